"""The local outbox against a real backend started in the test: exactly-once delivery."""
import asyncio
import contextlib
import json
import random
import re
from datetime import timedelta

import pytest
from aiohttp import web

from bot.backend import BackendConfig
from bot.backend.app import init_app
from bot.backend.db import STORE_KEY, utcnow
from bot.saisine.client import BackendClient, BackendError
from bot.saisine.model import REFERENCE_PATTERN, Saisine
from bot.saisine.outbox import DELIVERED, PENDING, REJECTED, SENDING, WITHDRAWN, Backoff, Outbox
from scripts.stack import free_port
from tests.unit.saisine_samples import minimal_saisine

SERVICE_TOKEN = "service-secret-for-tests"
LATER = timedelta(minutes=30)  # past any backoff (capped at 5 minutes)


class Backend:
    """The real backend app on a fixed port, which the test can stop and start again."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.config = BackendConfig(database_url=f"sqlite:///{tmp_path / 'backend.db'}",
                                    service_token=SERVICE_TOKEN, staff_token="staff-secret-for-tests")
        self.runner = None
        self.app = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self):
        self.app = init_app(self.config)
        self.runner = web.AppRunner(self.app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self):
        await self.runner.cleanup()
        self.runner = None

    def count(self) -> int:
        return self.app[STORE_KEY].count()

    def references(self):
        return sorted(i["reference"] for i in self.app[STORE_KEY].list("test", limit=200))


@pytest.fixture
async def backend(tmp_path):
    server = Backend(tmp_path)
    await server.start()
    yield server
    if server.runner is not None:
        await server.stop()


@pytest.fixture
async def client(backend):
    async with BackendClient(backend.url, SERVICE_TOKEN, timeout=5) as http:
        yield http


@pytest.fixture
def outbox(tmp_path):
    box = Outbox(f"sqlite:///{tmp_path / 'var' / 'outbox.db'}")
    yield box
    box.engine.dispose()


def saisine(n: int = 1) -> Saisine:
    return minimal_saisine(f"outbox-test-key-{n:06d}", given_at="2026-11-20T10:00:00Z")


class CountingClient:
    """Wraps the real client and counts sends per idempotency key; yields control mid-send."""

    def __init__(self, inner):
        self.inner = inner
        self.sent = {}

    async def submit(self, payload, key):
        self.sent[key] = self.sent.get(key, 0) + 1
        await asyncio.sleep(random.uniform(0, 0.01))
        return await self.inner.submit(payload, key)


@contextlib.asynccontextmanager
async def courier_running(outbox, client, poll_seconds: float = 0.1):
    """The courier's loop (`outbox.run`) in the background."""
    stop = asyncio.Event()
    loop = asyncio.create_task(outbox.run(client, stop, poll_seconds=poll_seconds))
    try:
        yield
    finally:
        stop.set()
        await loop


async def all_delivered(outbox, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if {i.status for i in outbox.items()} == {DELIVERED}:
            return
        await asyncio.sleep(0.05)


async def test_enqueue_then_deliver(outbox, client, backend):
    reference = outbox.enqueue(saisine())
    assert re.match(REFERENCE_PATTERN, reference)
    assert outbox.status(reference) == PENDING
    assert backend.count() == 0  # written locally, nothing sent yet
    report = await outbox.deliver_pending(client)
    assert report.delivered == [reference]
    assert backend.references() == [reference]  # the backend keeps the outbox's reference
    item = outbox.items()[0]
    assert item.status == DELIVERED and item.payload is None  # no personal data left locally
    assert (await outbox.deliver_pending(client)).delivered == []
    assert backend.count() == 1


async def test_enqueue_is_idempotent(outbox):
    first = outbox.enqueue(saisine())
    assert outbox.enqueue(saisine()) == first
    assert len(outbox.items()) == 1


async def test_backend_down_then_back_delivers_each_once(outbox, backend, client):
    await backend.stop()
    references = [outbox.enqueue(saisine(n)) for n in range(5)]
    report = await outbox.deliver_pending(client)
    assert sorted(report.retrying) == sorted(references) and report.delivered == []
    for item in outbox.items():
        assert item.status == PENDING and item.attempts == 1 and item.next_attempt_at > utcnow()
        assert item.last_error.startswith("BackendError") and "Martin" not in item.last_error
    # Not due yet: the backoff holds the items back.
    assert (await outbox.deliver_pending(client)).retrying == []

    await backend.start()
    report = await outbox.deliver_pending(client, now=utcnow() + LATER)
    assert sorted(report.delivered) == sorted(references)
    assert backend.count() == 5 and backend.references() == sorted(references)
    # Nothing more to send, whatever the clock says.
    assert (await outbox.deliver_pending(client, now=utcnow() + 2 * LATER)).delivered == []
    assert backend.count() == 5


async def test_concurrent_deliveries_do_not_double_send(outbox, client, backend):
    references = [outbox.enqueue(saisine(n)) for n in range(12)]
    counting = CountingClient(client)
    reports = await asyncio.gather(*(outbox.deliver_pending(counting) for _ in range(4)))
    delivered = [ref for report in reports for ref in report.delivered]
    assert sorted(delivered) == sorted(references)
    assert len(counting.sent) == 12 and set(counting.sent.values()) == {1}
    assert backend.count() == 12


async def test_two_outbox_instances_on_one_file(tmp_path, client, backend):
    url = f"sqlite:///{tmp_path / 'shared-outbox.db'}"
    first, second = Outbox(url), Outbox(url)
    references = [first.enqueue(saisine(n)) for n in range(6)]
    counting = CountingClient(client)
    await asyncio.gather(first.deliver_pending(counting), second.deliver_pending(counting))
    assert set(counting.sent.values()) == {1} and backend.count() == 6
    assert {i.status for i in second.items()} == {DELIVERED} and len(references) == 6


async def test_sender_crash_mid_send_is_resent_once_to_the_backend(outbox, client, backend):
    reference = outbox.enqueue(saisine())
    item = outbox._claim(outbox.items()[0].id, utcnow())  # a sender took it...
    await client.submit(json.loads(item.payload), item.idempotency_key)  # ...sent it, then died
    assert outbox.status(reference) == SENDING
    assert (await outbox.deliver_pending(client)).delivered == []  # claim still fresh
    report = await outbox.deliver_pending(client, now=utcnow() + timedelta(minutes=3))
    assert report.delivered == [reference]
    assert backend.count() == 1  # the idempotency key made the resend harmless


async def test_rejected_saisine_is_kept_not_retried(outbox):
    class Refusing:
        async def submit(self, payload, key):
            raise BackendError("La saisine contient des erreurs.", 422)

    reference = outbox.enqueue(saisine())
    report = await outbox.deliver_pending(Refusing())
    assert report.rejected == [reference]
    assert outbox.status(reference) == REJECTED
    assert (await outbox.deliver_pending(Refusing(), now=utcnow() + LATER)).rejected == []


async def test_unexpected_client_error_keeps_the_item(outbox):
    class Broken:
        async def submit(self, payload, key):
            raise RuntimeError("bug")

    reference = outbox.enqueue(saisine())
    assert (await outbox.deliver_pending(Broken())).retrying == [reference]
    assert outbox.status(reference) == PENDING


async def test_withdraw_before_delivery_sends_nothing(outbox, client, backend):
    reference = outbox.enqueue(saisine())
    assert outbox.withdraw(reference) == PENDING
    assert outbox.status(reference) == WITHDRAWN and outbox.items()[0].payload is None
    assert (await outbox.deliver_pending(client)).delivered == []
    assert backend.count() == 0
    assert outbox.withdraw("MAS-2026-7K3F9Q") is None


async def test_run_loop_delivers_when_backend_returns(outbox, backend, client):
    outbox.backoff = Backoff(base_seconds=0.05, cap_seconds=0.2)
    await backend.stop()
    references = [outbox.enqueue(saisine(n)) for n in range(3)]
    async with courier_running(outbox, client):
        await asyncio.sleep(0.3)
        assert DELIVERED not in {i.status for i in outbox.items()}
        assert max(i.attempts for i in outbox.items()) >= 2  # retried, with backoff, while down
        await backend.start()
        await all_delivered(outbox)
    assert backend.references() == sorted(references)


async def test_client_raises_on_non_2xx(backend):
    async with BackendClient(backend.url, "wrong-token") as wrong:
        with pytest.raises(BackendError) as caught:
            await wrong.submit(json.loads(saisine().json()), "outbox-test-key-000001")
    assert caught.value.status == 401 and not caught.value.retryable
    assert "jeton" in str(caught.value)


async def test_client_from_env():
    http = BackendClient.from_env({"BACKEND_URL": "http://backend:9000/", "BACKEND_SERVICE_TOKEN": "t"})
    assert http.base_url == "http://backend:9000"
    await http.close()


def test_backoff_is_exponential_jittered_and_bounded():
    backoff = Backoff(base_seconds=2, cap_seconds=300)
    rng = random.Random(1)
    for attempts, ceiling in ((1, 2), (2, 4), (3, 8), (8, 256), (9, 300), (60, 300)):
        delays = [backoff.delay(attempts, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jitter


async def test_after_a_long_outage_waiting_items_go_as_soon_as_the_backend_answers(outbox, backend, client):
    # A long outage has pushed every retry minutes away; the courier must not sit those minutes out.
    outbox.backoff = Backoff(base_seconds=600, cap_seconds=600)
    await backend.stop()
    references = [outbox.enqueue(saisine(n)) for n in range(3)]
    assert (await outbox.deliver_pending(client)).retrying == references
    assert outbox.waiting_for_backend() == 3
    async with courier_running(outbox, client):
        await asyncio.sleep(0.3)
        assert backend.runner is None and {i.status for i in outbox.items()} == {PENDING}
        await backend.start()
        await all_delivered(outbox)
    assert backend.references() == sorted(references)
    assert all(i.attempts == 2 for i in outbox.items())  # one failure, then one send: no hammering


class RefusingClient:
    """A backend that is up (healthy) but answers 500 for this item: a fault of the item, not an outage."""

    async def submit(self, payload, key):
        raise BackendError("HTTP 500", 500)

    async def is_healthy(self):
        return True


async def test_an_item_the_backend_answered_500_keeps_its_backoff_when_the_backend_is_up(outbox, backend):
    outbox.backoff = Backoff(base_seconds=600, cap_seconds=600)
    refused = outbox.enqueue(saisine(1))
    await outbox.deliver_pending(RefusingClient())
    await backend.stop()
    async with BackendClient(backend.url, SERVICE_TOKEN, timeout=1) as unreachable:
        missed = outbox.enqueue(saisine(2))
        await outbox.deliver_pending(unreachable, reference=missed)
        assert not await unreachable.is_healthy()
    now = utcnow()
    assert outbox.waiting_for_backend(now) == 1
    assert outbox.bring_forward_after_outage(now) == 1
    due = {i.reference: i.next_attempt_at for i in outbox.items()}
    assert due[missed] == now and due[refused] > now + timedelta(minutes=4)


class UpButFailingClient:
    """/health answers, yet every send fails as unreachable: the courier must not spin."""

    def __init__(self):
        self.probes = self.sends = 0

    async def submit(self, payload, key):
        self.sends += 1
        raise BackendError("backend unreachable: ClientConnectorError")

    async def is_healthy(self):
        self.probes += 1
        return True


async def test_a_backend_healthy_but_failing_sends_is_probed_at_most_once_a_poll(outbox):
    outbox.backoff = Backoff(base_seconds=600, cap_seconds=600)
    outbox.enqueue(saisine(1))
    client = UpButFailingClient()
    # Each probe makes the item due at once, so without the once-a-poll rule the loop would probe
    # and send every 0.1 s (its shortest sleep): about 8 times here instead of 2.
    async with courier_running(outbox, client, poll_seconds=0.5):
        await asyncio.sleep(0.95)
    assert 1 <= client.probes <= 3 and client.sends <= 4  # one more in flight when stopped
