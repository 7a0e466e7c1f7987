"""Per-client rate limit of the web/backend process: a token bucket per client address.

Each address may send `burst` requests at once, then `per_minute` requests a minute on average
(the bucket refills continuously). A request that finds the bucket empty is answered 429 with
Retry-After: the seconds until one token is back.

Why a small class rather than a library: the aiohttp rate limiters decorate handlers one by one
(the static files and the 404s would escape them), and `limits` (used by the chat channels) has no
token bucket. Buckets live in this process's memory: several web processes behind a load balancer
each count on their own, so the limit there is per process.

The client address is the TCP peer. Behind a reverse proxy that peer is the proxy, so every person
would share one bucket: list the proxy in WEB_TRUSTED_PROXIES and the address is read from
X-Forwarded-For instead, walking it from the right and skipping trusted proxies (the left-most
entries are written by the client and prove nothing). Without that setting the header is ignored,
so nobody escapes the limit by sending a made-up X-Forwarded-For.
"""
from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from typing import Callable, Iterable, Optional, Sequence, Tuple, Union

from aiohttp import web

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


class TokenBucketLimiter:
    """Token buckets keyed by client address, at most `max_clients` of them (least recently seen
    forgotten first: a forgotten client gets a full bucket, which is what an idle one has anyway).
    Used from the event loop only, so it needs no lock."""

    def __init__(self, per_minute: float, burst: int, max_clients: int = 100_000,
                 clock: Callable[[], float] = time.monotonic):
        if per_minute <= 0 or burst < 1:
            raise ValueError("a rate limit needs per_minute > 0 and burst >= 1")
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = burst
        self.max_clients = max_clients
        self._clock = clock
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()  # key -> (tokens, at)

    def acquire(self, key: str) -> float:
        """0 when the request may go on (one token spent), else the seconds to wait for a token."""
        now = self._clock()
        tokens, at = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, now)  # re-inserted last: the most recently seen
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)


def parse_networks(value: str) -> Tuple[Network, ...]:
    """"127.0.0.1, 10.0.0.0/8" -> networks; an invalid entry raises ValueError (at start)."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())


def _address(text: str) -> Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, proxies: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_address(peer: Optional[str], forwarded_for: Iterable[str], proxies: Sequence[Network]) -> str:
    """The address a request is counted against: the peer, or, when the peer is a trusted proxy,
    the right-most X-Forwarded-For entry that is not a trusted proxy itself."""
    peer = peer or "unknown"  # a Unix socket has no peer address
    if not proxies or not _trusted(_address(peer), proxies):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer  # a garbled header: count the proxy rather than trust what follows
        if not _trusted(address, proxies):
            return str(address)
    return peer


def request_client(request: web.Request, proxies: Sequence[Network]) -> str:
    return client_address(request.remote, request.headers.getall("X-Forwarded-For", []), proxies)


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait))
