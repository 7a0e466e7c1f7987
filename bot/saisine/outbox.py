"""The local durable outbox: a confirmed saisine is written here before any network call.

    outbox = Outbox("sqlite:///var/db/outbox.db")     or default_outbox() (OUTBOX_URL)
    reference = outbox.enqueue(saisine)               one transaction; same key -> same reference
    report = await outbox.deliver_pending(client)     one pass over the items that are due
    await outbox.run(client, stop_event)              the retry loop of a long-running process
    outbox.bring_forward_after_outage()               the backend is back: retry what it missed now
    outbox.forget_expired(rejected_before)            retention (bot.retention): see the method

An item is sent only by whoever claims it (UPDATE ... WHERE status='pending'), so several
coroutines or processes may deliver at once without sending an item twice at the same time; the
backend's idempotency key makes a resend after a crash harmless. After a failure the item waits
an exponential, jittered and capped delay; it is never dropped. Because that delay grows with
the length of an outage (up to 5 minutes), the courier also asks the backend's /health while items
wait for it, and as soon as it answers, those items are retried at once. Once delivered, its personal data
is removed from the outbox (the backend holds it). On SQLite, removed data is overwritten on disk
(secure_delete), not merely unlinked from the table.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import List, Optional

from sqlalchemy import Column, DateTime, Integer, String, Text, event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import declarative_base

from bot.backend.db import make_engine, make_session_factory, naive_utc, utcnow
from bot.saisine.client import BackendError
from bot.saisine.model import Saisine, new_reference

log = logging.getLogger(__name__)

DEFAULT_OUTBOX_URL = "sqlite:///var/db/outbox.db"
PENDING, SENDING, DELIVERED, REJECTED, WITHDRAWN = "pending", "sending", "delivered", "rejected", "withdrawn"
# A withdrawal of a saisine the backend has (or may have): WITHDRAWING until the backend erased it.
WITHDRAWING, ERASING = "withdrawing", "erasing"
# What each claimable status becomes while one sender works on it.
IN_FLIGHT = {PENDING: SENDING, WITHDRAWING: ERASING}
# The last_error of an attempt that failed because the backend was not there (unreachable, timed
# out, or a gateway/unavailable status), as opposed to an answer about this item (e.g. a 500).
OUTAGE_ERRORS = ("BackendError", "BackendError 502", "BackendError 503", "BackendError 504")

Base = declarative_base()


class OutboxItem(Base):
    __tablename__ = "saisine_outbox"

    id = Column(Integer, primary_key=True)
    reference = Column(String(20), unique=True, nullable=False)
    idempotency_key = Column(String(100), unique=True, nullable=False)
    payload = Column(Text)  # the saisine JSON; NULL once delivered or withdrawn
    status = Column(String(12), nullable=False, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False)
    claimed_at = Column(DateTime)
    last_error = Column(String(200))  # status and class only: never the payload
    created_at = Column(DateTime, nullable=False)
    delivered_at = Column(DateTime)


@dataclass(frozen=True)
class Backoff:
    """Delay before attempt n+1: base * 2**(n-1), capped, times a random factor in [0.5, 1]."""

    base_seconds: float = 2.0
    cap_seconds: float = 300.0

    def delay(self, attempts: int, rng: random.Random = random) -> float:
        # Jitter spreads retries so that items failed together do not all retry together.
        raw = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return raw * rng.uniform(0.5, 1.0)


@dataclass
class DeliveryReport:
    delivered: List[str]
    retrying: List[str]
    rejected: List[str]


def secure_delete_on_sqlite(engine: Engine) -> None:
    """Make SQLite zero the bytes of deleted or overwritten values on every connection: without
    it an erased payload stays readable in the file's free space until the page is reused."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _secure_delete(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA secure_delete = ON")


class Outbox:
    # Three times the longest client timeout (10 s): an item still "sending" after this was
    # abandoned by a process that died mid-send, and is given back to the queue. Were the send in
    # fact still going, the second one is harmless (same idempotency key); a longer wait would only
    # delay the saisine of a person whose action server was killed mid-send.
    claim_timeout = timedelta(seconds=30)

    def __init__(self, url: str = DEFAULT_OUTBOX_URL, backoff: Backoff = Backoff()):
        self.engine = make_engine(url)
        secure_delete_on_sqlite(self.engine)
        Base.metadata.create_all(self.engine)
        self._session = make_session_factory(self.engine)
        self.backoff = backoff

    # ------------------------------------------------------------------ writing

    def enqueue(self, saisine: Saisine, now: Optional[datetime] = None) -> str:
        """Store the saisine durably and return its reference, before anything is sent."""
        now = naive_utc(now or utcnow())
        for _ in range(5):  # a reference collision (one in a billion): draw again
            try:
                with self._session.begin() as session:
                    existing = session.execute(
                        select(OutboxItem.reference).where(OutboxItem.idempotency_key == saisine.idempotency_key)
                    ).scalars().first()
                    if existing is not None:
                        return existing  # the same confirmation submitted twice
                    reference = saisine.reference or new_reference(now.year)
                    stamped = saisine.copy(update={"reference": reference})
                    session.add(OutboxItem(
                        reference=reference, idempotency_key=saisine.idempotency_key,
                        payload=stamped.canonical_json(), status=PENDING, attempts=0,
                        next_attempt_at=now, created_at=now,
                    ))
                return reference
            except IntegrityError:
                if saisine.reference:
                    raise
        raise RuntimeError("could not draw a free reference")

    def withdraw(self, reference: str, now: Optional[datetime] = None) -> Optional[str]:
        """The person withdraws: drop the local copy at once, and when the backend has (or may
        have) the saisine, queue its erasure there. Returns the status before the call (None:
        this outbox never had the reference)."""
        now = naive_utc(now or utcnow())
        with self._session.begin() as session:
            item = session.execute(select(OutboxItem).where(OutboxItem.reference == reference)).scalars().first()
            if item is None:
                return None
            before = item.status
            if before == REJECTED and item.payload is None:
                # A refused erasure (the payload went with the delivery): ask the backend again.
                item.status, item.attempts, item.next_attempt_at = WITHDRAWING, 0, now
            elif before in (PENDING, REJECTED):
                item.status, item.payload = WITHDRAWN, None
            elif before in (SENDING, DELIVERED):
                item.status, item.payload, item.attempts = WITHDRAWING, None, 0
                # A send in flight may still land: erase only once it has surely ended.
                item.next_attempt_at = (item.claimed_at + self.claim_timeout) if before == SENDING else now
            return before

    def forget_expired(self, rejected_before: datetime) -> int:
        """Retention: erase the payload of the rejected items created before `rejected_before`
        and return how many. A rejected item keeps its payload for a person to look at; after
        that it keeps only its reference, like a delivered one (a later withdrawal then asks the
        backend, which answers 404, and the item ends withdrawn). Delivered and withdrawn items
        have no payload left; pending ones are never touched: nothing is lost."""
        with self._session.begin() as session:
            return session.execute(
                update(OutboxItem)
                .where(OutboxItem.status == REJECTED, OutboxItem.payload.isnot(None),
                       OutboxItem.created_at < naive_utc(rejected_before))
                .values(payload=None)
            ).rowcount

    # ------------------------------------------------------------------ sending

    def _due_ids(self, now: datetime, reference: Optional[str] = None) -> List[int]:
        with self._session.begin() as session:
            for claimed, claimable in ((SENDING, PENDING), (ERASING, WITHDRAWING)):
                session.execute(
                    update(OutboxItem)
                    .where(OutboxItem.status == claimed, OutboxItem.claimed_at < now - self.claim_timeout)
                    .values(status=claimable)
                )
            query = (select(OutboxItem.id)
                     .where(OutboxItem.status.in_(list(IN_FLIGHT)), OutboxItem.next_attempt_at <= now)
                     .order_by(OutboxItem.id))
            if reference is not None:
                query = query.where(OutboxItem.reference == reference)
            return list(session.execute(query).scalars())

    def _claim(self, item_id: int, now: datetime) -> Optional[OutboxItem]:
        """Atomically take one item; None if another sender got it first."""
        with self._session.begin() as session:
            item = session.get(OutboxItem, item_id)
            if item is None or item.status not in IN_FLIGHT:
                return None
            claimed = session.execute(
                update(OutboxItem)
                .where(OutboxItem.id == item_id, OutboxItem.status == item.status)
                .values(status=IN_FLIGHT[item.status], claimed_at=now)
            ).rowcount
            if claimed != 1:
                return None
            session.refresh(item)
            return item

    def _finish(self, item_id: int, in_flight: str, **values) -> None:
        with self._session.begin() as session:
            session.execute(
                update(OutboxItem).where(OutboxItem.id == item_id, OutboxItem.status == in_flight).values(**values)
            )

    async def _send(self, item: OutboxItem, client) -> None:
        if item.status == ERASING:
            try:
                await client.withdraw(item.reference)
            except BackendError as exc:
                if exc.status != 404:  # 404: the backend never got it, nothing left to erase
                    raise
        else:
            await client.submit(json.loads(item.payload), item.idempotency_key)

    async def deliver_pending(self, client, now: Optional[datetime] = None,
                              reference: Optional[str] = None) -> DeliveryReport:
        """Send every due item once (or only `reference`): saisines to store, withdrawals to
        erase. An item is marked done only after a 2xx from the backend."""
        now = naive_utc(now or utcnow())
        report = DeliveryReport([], [], [])
        for item_id in self._due_ids(now, reference):
            item = self._claim(item_id, now)
            if item is None:
                continue
            in_flight, attempts = item.status, item.attempts + 1
            back_to = PENDING if in_flight == SENDING else WITHDRAWING
            try:
                await self._send(item, client)
            except Exception as exc:  # noqa: BLE001 - whatever failed, the item must stay queued
                retryable = not isinstance(exc, BackendError) or exc.retryable
                status = getattr(exc, "status", None)
                error = f"{type(exc).__name__} {status or ''}".strip()[:200]
                if retryable:
                    wait = timedelta(seconds=self.backoff.delay(attempts))
                    self._finish(item_id, in_flight, status=back_to, attempts=attempts, last_error=error,
                                 next_attempt_at=now + wait)
                    report.retrying.append(item.reference)
                else:
                    # The backend refused it (4xx): retrying cannot help; keep it for a person to
                    # look at instead of hammering the backend.
                    log.error("outbox item %s rejected by the backend (%s)", item.reference, status)
                    self._finish(item_id, in_flight, status=REJECTED, attempts=attempts, last_error=error)
                    report.rejected.append(item.reference)
            else:
                done = DELIVERED if in_flight == SENDING else WITHDRAWN
                self._finish(item_id, in_flight, status=done, attempts=attempts, payload=None,
                             delivered_at=utcnow(), last_error=None)
                report.delivered.append(item.reference)
        return report

    def _waiting_for_backend(self, now: datetime):
        return (OutboxItem.status.in_(list(IN_FLIGHT)), OutboxItem.next_attempt_at > now,
                OutboxItem.last_error.in_(OUTAGE_ERRORS))

    def waiting_for_backend(self, now: Optional[datetime] = None) -> int:
        """How many items sit out a backoff delay because the backend was unreachable."""
        now = naive_utc(now or utcnow())
        with self._session() as session:
            return session.execute(
                select(func.count()).select_from(OutboxItem).where(*self._waiting_for_backend(now))
            ).scalar_one()

    def bring_forward_after_outage(self, now: Optional[datetime] = None) -> int:
        """The backend answers again: the items that waited for it are due now (an item the backend
        refused with a 500 keeps its delay). Returns how many."""
        now = naive_utc(now or utcnow())
        with self._session.begin() as session:
            return session.execute(
                update(OutboxItem).where(*self._waiting_for_backend(now)).values(next_attempt_at=now)
            ).rowcount

    def next_due(self) -> Optional[datetime]:
        with self._session() as session:
            return session.execute(
                select(OutboxItem.next_attempt_at).where(OutboxItem.status.in_(list(IN_FLIGHT)))
                .order_by(OutboxItem.next_attempt_at).limit(1)
            ).scalars().first()

    async def run(self, client, stop: asyncio.Event, poll_seconds: float = 30.0) -> None:
        """Deliver until `stop` is set, sleeping until the next item is due (at most poll_seconds,
        so items enqueued by another process are picked up too). While items wait out a backoff
        because the backend was down, ask its /health once per poll: once it answers, they go at
        once instead of after a delay that may have grown to minutes."""
        probed_at = float("-inf")
        while not stop.is_set():
            due = None
            try:
                await self.deliver_pending(client)
                # At most one probe a poll: a backend that answers /health but fails the sends
                # must not turn this loop into a busy one.
                if time.monotonic() - probed_at >= poll_seconds and self.waiting_for_backend():
                    probed_at = time.monotonic()
                    if await client.is_healthy():
                        log.info("backend answers again: %d waiting item(s) retried now",
                                 self.bring_forward_after_outage())
                due = self.next_due()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the loop
                log.exception("outbox delivery pass failed")
            wait = poll_seconds if due is None else (due - utcnow()).total_seconds()
            try:
                await asyncio.wait_for(stop.wait(), timeout=min(poll_seconds, max(0.1, wait)))
            except asyncio.TimeoutError:
                pass

    # ------------------------------------------------------------------ inspection

    def status(self, reference: str) -> Optional[str]:
        with self._session() as session:
            return session.execute(
                select(OutboxItem.status).where(OutboxItem.reference == reference)
            ).scalars().first()

    def items(self) -> List[OutboxItem]:
        with self._session() as session:
            return list(session.execute(select(OutboxItem).order_by(OutboxItem.id)).scalars())


@lru_cache(maxsize=1)
def default_outbox() -> Outbox:
    return Outbox(os.environ.get("OUTBOX_URL", DEFAULT_OUTBOX_URL))


def enqueue(saisine: Saisine) -> str:
    return default_outbox().enqueue(saisine)


async def deliver_pending(client) -> DeliveryReport:
    return await default_outbox().deliver_pending(client)
