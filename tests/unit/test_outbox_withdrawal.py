"""Withdrawing a saisine from the outbox: erased locally at once, and erased at the backend when it
has (or may have) it. A fake backend client stands in for the HTTP one; the outbox is SQLite."""
from datetime import datetime, timedelta

import pytest

from bot.saisine.client import BackendError
from bot.saisine.model import Saisine
from bot.saisine.outbox import DELIVERED, PENDING, REJECTED, SENDING, WITHDRAWING, WITHDRAWN, Outbox
from tests.unit.saisine_samples import minimal_saisine

T0 = datetime(2026, 11, 20, 10, 0)  # naive UTC, as the outbox stores it
LATER = timedelta(minutes=30)  # past any backoff (capped at 5 minutes)


class FakeBackend:
    """Records submits and withdrawals; `down` makes every call fail as an unreachable backend,
    `withdraw_error` makes withdrawals fail with that BackendError."""

    def __init__(self):
        self.submitted, self.withdrawn = [], []
        self.down = False
        self.withdraw_error = None

    async def submit(self, payload, key):
        if self.down:
            raise BackendError("backend unreachable: ClientConnectorError")
        self.submitted.append(payload["reference"])
        return {"reference": payload["reference"], "status": "received"}

    async def withdraw(self, reference):
        if self.down:
            raise BackendError("backend unreachable: ClientConnectorError")
        if self.withdraw_error is not None:
            raise self.withdraw_error
        self.withdrawn.append(reference)
        return {"reference": reference, "status": "withdrawn"}


@pytest.fixture
def outbox(tmp_path):
    box = Outbox(f"sqlite:///{tmp_path / 'var' / 'outbox.db'}")
    yield box
    box.engine.dispose()


@pytest.fixture
def backend():
    return FakeBackend()


def saisine(n: int = 1) -> Saisine:
    return minimal_saisine(f"withdrawal-test-key-{n:06d}", given_at="2026-11-20T09:00:00Z")


def item(outbox, reference):
    return next(i for i in outbox.items() if i.reference == reference)


async def delivered(outbox, backend, n=1):
    reference = outbox.enqueue(saisine(n), now=T0)
    assert (await outbox.deliver_pending(backend, now=T0)).delivered == [reference]
    return reference


async def test_withdraw_pending_erases_locally_and_never_sends(outbox, backend):
    reference = outbox.enqueue(saisine(), now=T0)
    assert outbox.withdraw(reference, now=T0) == PENDING
    stored = item(outbox, reference)
    assert stored.status == WITHDRAWN and stored.payload is None
    report = await outbox.deliver_pending(backend, now=T0 + LATER)
    assert report.delivered == report.retrying == [] and backend.submitted == backend.withdrawn == []


async def test_withdraw_rejected_erases_locally(outbox):
    class Refusing(FakeBackend):
        async def submit(self, payload, key):
            raise BackendError("La saisine contient des erreurs.", 422)

    reference = outbox.enqueue(saisine(), now=T0)
    await outbox.deliver_pending(Refusing(), now=T0)
    assert outbox.withdraw(reference, now=T0) == REJECTED
    assert item(outbox, reference).status == WITHDRAWN and item(outbox, reference).payload is None


async def test_withdraw_delivered_erases_at_the_backend_once(outbox, backend):
    reference = await delivered(outbox, backend)
    assert outbox.withdraw(reference, now=T0 + timedelta(minutes=1)) == DELIVERED
    assert outbox.status(reference) == WITHDRAWING  # queued: the backend still has it
    report = await outbox.deliver_pending(backend, now=T0 + timedelta(minutes=1))
    assert report.delivered == [reference]
    assert backend.withdrawn == [reference]
    stored = item(outbox, reference)
    assert stored.status == WITHDRAWN and stored.payload is None and stored.last_error is None
    await outbox.deliver_pending(backend, now=T0 + LATER)
    assert backend.withdrawn == [reference]  # erased once, not again


async def test_backend_down_during_withdrawal_is_retried_with_backoff(outbox, backend):
    reference = await delivered(outbox, backend)
    outbox.withdraw(reference, now=T0)
    backend.down = True
    assert (await outbox.deliver_pending(backend, now=T0)).retrying == [reference]
    stored = item(outbox, reference)
    assert stored.status == WITHDRAWING and stored.attempts == 1
    assert stored.next_attempt_at > T0 and stored.last_error == "BackendError"
    backend.down = False
    # Not due yet: the backoff (at least 1 second after a first failure) holds it back.
    assert (await outbox.deliver_pending(backend, now=T0 + timedelta(milliseconds=500))).delivered == []
    assert backend.withdrawn == []
    report = await outbox.deliver_pending(backend, now=T0 + LATER)
    assert report.delivered == [reference] and backend.withdrawn == [reference]
    assert outbox.status(reference) == WITHDRAWN


@pytest.mark.parametrize("status, final", [(404, WITHDRAWN), (403, REJECTED)])
async def test_backend_refusals_of_an_erasure(outbox, backend, status, final):
    """404: the backend never had it, nothing left to erase. Another 4xx is kept for a person."""
    reference = await delivered(outbox, backend)
    outbox.withdraw(reference, now=T0)
    backend.withdraw_error = BackendError(f"HTTP {status}", status)
    await outbox.deliver_pending(backend, now=T0)
    assert outbox.status(reference) == final
    assert item(outbox, reference).payload is None


async def test_withdraw_while_sending_waits_for_the_claim_timeout(outbox, backend):
    reference = outbox.enqueue(saisine(), now=T0)
    assert outbox._claim(item(outbox, reference).id, T0) is not None  # a sender took it at T0
    assert outbox.withdraw(reference, now=T0 + timedelta(seconds=5)) == SENDING
    stored = item(outbox, reference)
    assert stored.status == WITHDRAWING and stored.payload is None
    assert stored.next_attempt_at == T0 + outbox.claim_timeout
    # The send in flight may still land: no erasure before it has surely ended.
    just_before = T0 + outbox.claim_timeout - timedelta(seconds=1)
    assert (await outbox.deliver_pending(backend, now=just_before)).delivered == []
    assert backend.withdrawn == [] and backend.submitted == []
    report = await outbox.deliver_pending(backend, now=T0 + outbox.claim_timeout)
    assert report.delivered == [reference] and backend.withdrawn == [reference]
    assert backend.submitted == []  # the withdrawn payload is never sent again
    assert outbox.status(reference) == WITHDRAWN


async def test_withdraw_unknown_reference_returns_none(outbox):
    outbox.enqueue(saisine(), now=T0)
    assert outbox.withdraw("MAS-2026-7K3F9Q", now=T0) is None
    assert [i.status for i in outbox.items()] == [PENDING]


async def test_deliver_pending_for_one_reference_touches_only_that_item(outbox, backend):
    first, second = await delivered(outbox, backend, 1), await delivered(outbox, backend, 2)
    third = outbox.enqueue(saisine(3), now=T0)
    outbox.withdraw(first, now=T0)
    outbox.withdraw(second, now=T0)
    report = await outbox.deliver_pending(backend, now=T0, reference=second)
    assert report.delivered == [second] and backend.withdrawn == [second]
    assert outbox.status(first) == WITHDRAWING and outbox.status(third) == PENDING
    report = await outbox.deliver_pending(backend, now=T0)
    assert sorted(report.delivered) == sorted([first, third])
    assert outbox.status(third) == DELIVERED and backend.withdrawn == [second, first]
