"""Rate and size limits of the web/backend process (bot.backend.ratelimit, bot.backend.middlewares).

The test suites stay under the default limit without changing it (a unit test's app is new for
each test; a page and its files are about ten requests); only the schemathesis fuzz, which sends
about 70 requests a second for a minute, raises it (tests/integration/test_backend_fuzz.py).
test_the_default_limit_answers_429_in_french proves the default itself.
"""
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.backend import RATE_LIMIT_BURST, RATE_LIMIT_PER_MINUTE, BackendConfig
from bot.backend.app import init_app
from bot.backend.ratelimit import TokenBucketLimiter, client_address, parse_networks

TOKENS = dict(service_token="service-secret-for-tests", staff_token="staff-secret-for-tests")
SERVICE = {"Authorization": "Bearer service-secret-for-tests"}


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
async def client_factory(tmp_path):
    clients = []

    async def make(**changes):
        config = BackendConfig(database_url=f"sqlite:///{tmp_path / 'saisines.db'}", **TOKENS, **changes)
        client = TestClient(TestServer(init_app(config)))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


# --------------------------------------------------------------------------- the token bucket

def test_bucket_allows_the_burst_then_the_rate():
    clock = FakeClock()
    limiter = TokenBucketLimiter(per_minute=60, burst=3, clock=clock)
    assert [limiter.acquire("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.acquire("a") == pytest.approx(1.0)  # one token a second: wait a second
    assert limiter.acquire("b") == 0  # another client has its own bucket
    clock.now += 0.5
    assert limiter.acquire("a") == pytest.approx(0.5)  # refused requests spend nothing
    clock.now += 0.5
    assert limiter.acquire("a") == 0
    clock.now += 3600
    assert [limiter.acquire("a") for _ in range(4)][-1] > 0  # refilled to the burst, not beyond


def test_bucket_forgets_the_least_recently_seen_client_first():
    clock = FakeClock()
    limiter = TokenBucketLimiter(per_minute=60, burst=1, max_clients=2, clock=clock)
    limiter.acquire("a"), limiter.acquire("b")
    assert limiter.acquire("a") > 0  # "a" seen again: now the most recent
    limiter.acquire("c")  # a third client: "b" is forgotten, not "a"
    assert len(limiter) == 2
    assert limiter.acquire("a") > 0
    assert limiter.acquire("b") == 0


@pytest.mark.parametrize("per_minute, burst", [(0, 10), (-1, 10), (60, 0)])
def test_bucket_refuses_a_meaningless_setting(per_minute, burst):
    with pytest.raises(ValueError):
        TokenBucketLimiter(per_minute=per_minute, burst=burst)


# --------------------------------------------------------------------------- the client address

PROXIES = parse_networks("10.0.0.5, 192.168.0.0/24")


@pytest.mark.parametrize("peer, forwarded, proxies, expected", [
    ("203.0.113.7", ["198.51.100.1"], (), "203.0.113.7"),  # no trusted proxy: the header is ignored
    ("203.0.113.7", ["198.51.100.1"], PROXIES, "203.0.113.7"),  # a peer that is not a trusted proxy
    ("10.0.0.5", ["198.51.100.1"], PROXIES, "198.51.100.1"),
    ("10.0.0.5", ["1.1.1.1, 198.51.100.1"], PROXIES, "198.51.100.1"),  # the left entry is the client's word
    ("10.0.0.5", ["198.51.100.1, 192.168.0.9"], PROXIES, "198.51.100.1"),  # a second trusted proxy is skipped
    ("10.0.0.5", ["198.51.100.1", "192.168.0.9"], PROXIES, "198.51.100.1"),  # the header sent twice
    ("10.0.0.5", [], PROXIES, "10.0.0.5"),
    ("10.0.0.5", ["pas-une-adresse"], PROXIES, "10.0.0.5"),
    ("10.0.0.5", ["2001:db8::1"], PROXIES, "2001:db8::1"),
    (None, ["198.51.100.1"], PROXIES, "unknown"),
])
def test_client_address(peer, forwarded, proxies, expected):
    assert client_address(peer, forwarded, proxies) == expected


def test_settings_from_the_environment():
    config = BackendConfig.from_env({"WEB_RATE_LIMIT_PER_MINUTE": "30", "WEB_RATE_LIMIT_BURST": "5",
                                     "WEB_TRUSTED_PROXIES": "10.0.0.5", "WEB_MAX_BODY_BYTES": "2048"})
    assert (config.rate_limit_per_minute, config.rate_limit_burst) == (30, 5)
    assert (config.trusted_proxies, config.max_body_bytes) == ("10.0.0.5", 2048)
    default = BackendConfig.from_env({})
    assert (default.rate_limit_per_minute, default.rate_limit_burst, default.trusted_proxies) == (600, 120, "")
    with pytest.raises(ValueError):
        BackendConfig.from_env({"WEB_TRUSTED_PROXIES": "10.0.0.300"})  # a typo stops the start
    with pytest.raises(ValueError):
        BackendConfig.from_env({"WEB_RATE_LIMIT_BURST": "0"})


# --------------------------------------------------------------------------- 429 through the app

async def test_the_default_limit_answers_429_in_french(client_factory):
    client = await client_factory()  # the defaults: 600 a minute, 120 at once
    started, statuses = time.monotonic(), []
    while 429 not in statuses and len(statuses) < 2 * RATE_LIMIT_BURST:
        resp = await client.get("/health")
        statuses.append(resp.status)
    elapsed = time.monotonic() - started
    assert statuses[-1] == 429, f"no 429 after {len(statuses)} requests"
    allowed = len(statuses) - 1
    # The burst, plus what the bucket refilled while the requests were sent.
    assert RATE_LIMIT_BURST <= allowed <= RATE_LIMIT_BURST + RATE_LIMIT_PER_MINUTE / 60 * elapsed + 1
    assert 1 <= int(resp.headers["Retry-After"]) <= 1 + 60 / RATE_LIMIT_PER_MINUTE
    assert resp.content_type == "application/json"
    assert (await resp.json()) == {"error": f"Trop de requêtes envoyées depuis votre adresse. "
                                            f"Réessayez dans {resp.headers['Retry-After']} secondes."}


async def test_the_limit_covers_the_pages_and_the_api_alike(client_factory):
    client = await client_factory(rate_limit_per_minute=1, rate_limit_burst=3)
    for path in ("/", "/static/widget.js", "/api/saisines"):
        await client.get(path)
    for path in ("/reference", "/health", "/api/saisines", "/pas-une-page"):
        resp = await client.get(path)
        assert resp.status == 429 and int(resp.headers["Retry-After"]) >= 59


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket(client_factory):
    client = await client_factory(rate_limit_per_minute=1, rate_limit_burst=2, trusted_proxies="127.0.0.1")
    for person in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        statuses = [(await client.get("/health", headers={"X-Forwarded-For": person})).status for _ in range(3)]
        assert statuses == [200, 200, 429]


async def test_without_trusted_proxies_a_forged_header_does_not_escape_the_limit(client_factory):
    client = await client_factory(rate_limit_per_minute=1, rate_limit_burst=2)
    statuses = [(await client.get("/health", headers={"X-Forwarded-For": f"198.51.100.{i}"})).status
                for i in range(3)]
    assert statuses == [200, 200, 429]


async def test_a_limit_of_zero_turns_it_off(client_factory):
    client = await client_factory(rate_limit_per_minute=0, rate_limit_burst=1)
    assert {(await client.get("/health")).status for _ in range(5)} == {200}


# --------------------------------------------------------------------------- 413 through the app

TOO_LARGE = {"error": "Requête trop volumineuse : 4 Ko au plus."}


@pytest.mark.parametrize("method, path", [
    ("POST", "/api/saisines"), ("POST", "/api/saisines/MAS-2026-7K3F9Q/withdraw"), ("POST", "/"),
    ("GET", "/reference"),
])
async def test_a_declared_body_over_the_limit_is_413_in_french_on_every_route(client_factory, method, path):
    client = await client_factory(max_body_bytes=4096)
    resp = await client.request(method, path, data=b"x" * 4097, headers={
        **SERVICE, "Idempotency-Key": "idem-key-000000000001", "Content-Type": "application/json"})
    assert resp.status == 413
    assert await resp.json() == TOO_LARGE


async def test_a_chunked_body_over_the_limit_is_413_in_french(client_factory):
    client = await client_factory(max_body_bytes=4096)

    async def chunks():  # no Content-Length: the limit applies while the body is read
        for _ in range(5):
            yield b'{"a": "' + b"x" * 1000 + b'"}'

    resp = await client.post("/api/saisines", data=chunks(), headers={
        **SERVICE, "Idempotency-Key": "idem-key-000000000001", "Content-Type": "application/json"})
    assert resp.status == 413
    assert await resp.json() == TOO_LARGE


async def test_a_body_at_the_limit_is_read(client_factory):
    client = await client_factory(max_body_bytes=4096)
    raw = b'{"a": "' + b"x" * (4096 - 9) + b'"}'
    assert len(raw) == 4096
    resp = await client.post("/api/saisines", data=raw, headers={
        **SERVICE, "Idempotency-Key": "idem-key-000000000001", "Content-Type": "application/json"})
    assert resp.status == 422  # read, then refused as a saisine: not a size problem
