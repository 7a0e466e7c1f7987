"""Retention of conversations: personal data leaves the tracker store once a conversation is over.

    python -m bot.retention                    one pass, prints the counts as one JSON line
    python -m bot.retention --now 2026-12-01   one pass as if it were that date (tests, ops)
    python -m bot.retention --every 3600       a pass every hour until SIGTERM / Ctrl-C
    purge(RetentionSettings.from_env())        the same pass from Python

A conversation whose last event is older than the window is rewritten in place (Rasa's `events`
table, SQLite or PostgreSQL): every event keeps its type, its timestamp and the names that make
statistics (intent, action, form, response, slot name, channel), and loses everything a person
could have typed or been told: user text, parse data text and entities, bot text and buttons,
metadata, and the value of every slot not in NON_PERSONAL_SLOTS (privacy by default). Events are
rewritten, never deleted, so Rasa still loads the tracker and counts its events the same way.
The outbox forgets the payload of rejected saisines after their own window.

On SQLite the rewrite is also physical: the job's connections zero what they overwrite
(secure_delete) and the file is vacuumed after a pass that changed it, so no copy of the old text
stays in free pages. On PostgreSQL, old row versions wait for autovacuum to reuse their space; WAL
archives and backups keep their own retention.

Settings (environment, read once by RetentionSettings.from_env):

    TRACKER_STORE_URL                 default sqlite:///var/db/trackers.db (as `make run`)
    OUTBOX_URL                        default sqlite:///var/db/outbox.db
    TRACKER_RETENTION_DAYS            default 1 (see DEFAULT_TRACKER_RETENTION_DAYS)
    OUTBOX_REJECTED_RETENTION_DAYS    default 30 (see DEFAULT_OUTBOX_REJECTED_RETENTION_DAYS)
    POSTGRESQL_SCHEMA                 as Rasa: the schema of the tracker tables, if not public

This module imports nothing from Rasa; its copy of the `events` table is checked against Rasa's
by tests/unit/test_retention.py.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from sqlalchemy import (Column, DateTime, Float, Integer, MetaData, String, Table, Text, bindparam, create_engine,
                        func, inspect, or_, select, update)
from sqlalchemy.engine import Connection, Engine, make_url

from bot.saisine.outbox import DEFAULT_OUTBOX_URL, Outbox, secure_delete_on_sqlite

log = logging.getLogger(__name__)

DEFAULT_TRACKER_STORE_URL = "sqlite:///var/db/trackers.db"
# A conversation is needed only while the person talks: a session expires after 60 idle minutes
# (domain.yml) and nothing reads an older one (a confirmed saisine is in the outbox, its
# reference is given to the person). One day is far past any live session, lets the team look
# at a problem reported the same day, and bounds what a leak of the tracker store could expose.
DEFAULT_TRACKER_RETENTION_DAYS = 1.0
# A saisine the backend refused waits in the outbox for a person to look at it (the courier logs
# an ERROR). A month covers holidays; after that nobody will act on it.
DEFAULT_OUTBOX_REJECTED_RETENTION_DAYS = 30.0
# Conversations rewritten per transaction: short locks for Rasa, few commits for the job.
BATCH_SIZE = 100

# Slots whose value is kept: flags and closed lists that describe the conversation, not the
# person. Every other slot, including one added later, is emptied (privacy by default);
# PERSONAL_SLOTS only records that each slot of domain.yml was looked at (a test checks it).
NON_PERSONAL_SLOTS = frozenset({
    "requested_slot",         # the name of the question being asked
    "partner_mode",           # a professional is talking (bool)
    "contact_need",           # an id of the closed list of needs (bot/contacts.py)
    "prevention_requested",   # flags set by the actions (bool)
    "eligibility_requested",
    "right",                  # categorical: which right was asked about, as the intent says
})
PERSONAL_SLOTS = frozenset({
    "session_started_metadata",  # whatever the channel sent
    "saisine_draft", "saisine_answer", "saisine_reference",  # identity, phone, e-mail, reference
    "contact_place",  # where the person lives
    "prevention_for_whom", "prevention_age_years", "prevention_age_months", "prevention_sex",
    "prevention_pregnant",
    "minimum_benefit", "household_size", "annual_resources", "territory", "household_ages",
    "works_in_france", "residence_status", "residence_over_3_months", "urgent_care", "is_minor",
    "deceased_status", "death_date", "asker_link", "dependent_on_deceased", "age", "origin",
    "capacity_reduced_two_thirds", "affiliated_12_months", "worked_600_hours", "work_capacity",
})

# For each Rasa event type, the fields kept besides `event` and `timestamp`: names, flags,
# scores, never text. An event type missing here keeps only `event` and `timestamp`.
KEPT_FIELDS: Dict[str, Tuple[str, ...]] = {
    "user": ("input_channel",),
    "user_featurization": ("use_text_for_featurization",),
    "entities": (),
    "bot": (),
    "agent": (),
    "slot": ("name",),
    "action": ("name", "policy", "confidence", "hide_rule_turn"),
    "action_execution_rejected": ("name", "policy", "confidence"),
    "active_loop": ("name",),
    "form": ("name",),
    "loop_interrupted": ("is_interrupted",),
    "form_validation": ("validate",),
    "followup": ("name",),
    "reminder": ("name", "intent", "date_time", "kill_on_user_msg"),
    "cancel_reminder": ("name", "intent"),
    "session_started": (),
    "restart": (),
    "rewind": (),
    "reset_slots": (),
    "undo": (),
    "pause": (),
    "resume": (),
    "export": ("path",),
}
# What the emptied fields become, so that Rasa still reads the event (None where Rasa reads None).
EMPTIED_FIELDS: Dict[str, Dict[str, Any]] = {
    "user": {"text": None, "message_id": None, "metadata": {}},
    "entities": {"entities": []},
    "bot": {"text": None, "data": {}},
    "agent": {"text": None, "data": None},
    "action": {"action_text": None},
    "reminder": {"entities": None},
    "cancel_reminder": {"entities": None},
}

# Rasa's table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent): read and updated, never created.
metadata = MetaData()
events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
# One row per purged conversation, so that a pass reads only the conversations that aged out
# since the last one. A conversation taken up again and over again is purged again.
purged_conversations = Table(
    "retention_purged_conversations", metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("last_event_timestamp", Float, nullable=False),
    Column("purged_at", DateTime, nullable=False),
)


# ---------------------------------------------------------------------- what an event keeps

def scrub_event(event: Mapping[str, Any]) -> Dict[str, Any]:
    """The event as Rasa serialises it, without anything personal. scrub(scrub(e)) == scrub(e)."""
    kind = event.get("event")
    kept: Dict[str, Any] = {"event": kind, "timestamp": event.get("timestamp")}
    for field in KEPT_FIELDS.get(kind, ()):
        if field in event:
            kept[field] = event[field]
    kept.update(EMPTIED_FIELDS.get(kind, {}))
    if kind == "user":
        kept["parse_data"] = _scrubbed_parse_data(event.get("parse_data"))
    elif kind == "bot":
        kept["metadata"] = _response_name(event.get("metadata"))
    elif kind == "slot":
        kept["value"] = event.get("value") if event.get("name") in NON_PERSONAL_SLOTS else None
    return kept


def _scrubbed_parse_data(parse_data: Any) -> Dict[str, Any]:
    intent = parse_data.get("intent") if isinstance(parse_data, dict) else None
    intent = intent if isinstance(intent, dict) else {}
    return {"intent": {"name": intent.get("name"), "confidence": intent.get("confidence")},
            "entities": [], "text": None}


def _response_name(metadata: Any) -> Dict[str, Any]:
    # utter_action names the domain response: statistics without the text.
    name = metadata.get("utter_action") if isinstance(metadata, dict) else None
    return {"utter_action": name} if isinstance(name, str) else {}


def _rewritten_data(type_name: str, timestamp: Optional[float], data: Optional[str]) -> Optional[str]:
    """The scrubbed JSON of one stored event, or None when it is scrubbed already."""
    try:
        event = json.loads(data) if data else None
    except ValueError:
        event = None
    if not isinstance(event, dict):  # unreadable: keep what the columns say, drop the rest
        return json.dumps(scrub_event({"event": type_name, "timestamp": timestamp}))
    scrubbed = scrub_event(event)
    return None if scrubbed == event else json.dumps(scrubbed)


# ---------------------------------------------------------------------- settings and engines

@dataclass(frozen=True)
class RetentionSettings:
    tracker_store_url: str = DEFAULT_TRACKER_STORE_URL
    outbox_url: str = DEFAULT_OUTBOX_URL
    tracker_retention: timedelta = timedelta(days=DEFAULT_TRACKER_RETENTION_DAYS)
    outbox_rejected_retention: timedelta = timedelta(days=DEFAULT_OUTBOX_REJECTED_RETENTION_DAYS)
    postgresql_schema: Optional[str] = None

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "RetentionSettings":
        env = os.environ if env is None else env
        tracker_days = float(env.get("TRACKER_RETENTION_DAYS", DEFAULT_TRACKER_RETENTION_DAYS))
        rejected_days = float(env.get("OUTBOX_REJECTED_RETENTION_DAYS", DEFAULT_OUTBOX_REJECTED_RETENTION_DAYS))
        if tracker_days <= 0 or rejected_days <= 0:
            # Zero would rewrite conversations still going on.
            raise ValueError("TRACKER_RETENTION_DAYS and OUTBOX_REJECTED_RETENTION_DAYS must be positive")
        return cls(
            tracker_store_url=env.get("TRACKER_STORE_URL", DEFAULT_TRACKER_STORE_URL),
            outbox_url=env.get("OUTBOX_URL", DEFAULT_OUTBOX_URL),
            tracker_retention=timedelta(days=tracker_days),
            outbox_rejected_retention=timedelta(days=rejected_days),
            postgresql_schema=env.get("POSTGRESQL_SCHEMA") or None,
        )


def _sqlite_file_missing(url: str) -> bool:
    """True for a SQLite file that does not exist: nothing to purge, and nothing to create."""
    parsed = make_url(url)
    return (parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
            and not Path(parsed.database).exists())


def tracker_engine(settings: RetentionSettings) -> Engine:
    parsed = make_url(settings.tracker_store_url)
    options: Dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": 30}  # Rasa may be writing: wait for the lock
    if parsed.get_backend_name() == "postgresql" and settings.postgresql_schema:
        options["connect_args"] = {"options": f"-csearch_path={settings.postgresql_schema}"}  # as Rasa does
    if parsed.get_driver_name() == "psycopg2":
        options["executemany_mode"] = "values_plus_batch"  # the UPDATEs in pages, not one round trip each
    engine = create_engine(settings.tracker_store_url, future=True, **options)
    # Zeroes what this job overwrites even if the vacuum below cannot get the lock.
    secure_delete_on_sqlite(engine)
    return engine


def vacuum_sqlite(engine: Engine) -> None:
    """Rebuild a SQLite file so that no old value survives in free pages (a no-op elsewhere)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM")


# ---------------------------------------------------------------------- the pass

@dataclass
class RetentionReport:
    conversations_purged: int = 0
    events_rewritten: int = 0
    outbox_items_forgotten: int = 0


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _aged_conversations(connection: Connection, cutoff: float) -> List[Tuple[str, float]]:
    """(sender_id, last event timestamp) of the conversations over before `cutoff` and not
    purged since their last event."""
    last = (select(events.c.sender_id, func.max(events.c.timestamp).label("last_event"))
            .group_by(events.c.sender_id).subquery())
    query = (
        select(last.c.sender_id, last.c.last_event)
        .select_from(last.outerjoin(purged_conversations, purged_conversations.c.sender_id == last.c.sender_id))
        .where(last.c.last_event < cutoff,
               or_(purged_conversations.c.last_event_timestamp.is_(None),
                   purged_conversations.c.last_event_timestamp < last.c.last_event))
        .order_by(last.c.sender_id)
    )
    return [(sender, last_event) for sender, last_event in connection.execute(query)]


def _purge_batch(connection: Connection, batch: Sequence[Tuple[str, float]], cutoff: float, now: datetime) -> int:
    senders = [sender for sender, _ in batch]
    # Events at or after the cutoff belong to a person who came back during this pass: not yet.
    rows = connection.execute(
        select(events.c.id, events.c.type_name, events.c.timestamp, events.c.data)
        .where(events.c.sender_id.in_(senders), or_(events.c.timestamp < cutoff, events.c.timestamp.is_(None)))
    ).all()
    changed = []
    for row in rows:
        scrubbed = _rewritten_data(row.type_name, row.timestamp, row.data)
        if scrubbed is not None:
            changed.append({"event_id": row.id, "scrubbed": scrubbed})
    if changed:
        connection.execute(
            update(events).where(events.c.id == bindparam("event_id")).values(data=bindparam("scrubbed")),
            changed,
        )
    connection.execute(purged_conversations.delete().where(purged_conversations.c.sender_id.in_(senders)))
    connection.execute(purged_conversations.insert(), [
        {"sender_id": sender, "last_event_timestamp": last_event, "purged_at": now} for sender, last_event in batch
    ])
    return len(changed)


def purge_trackers(engine: Engine, cutoff: datetime, now: datetime) -> Tuple[int, int]:
    """Rewrite the conversations whose last event is before `cutoff`: (conversations, events)."""
    if not inspect(engine).has_table("events"):
        return 0, 0  # Rasa has not stored a conversation yet
    purged_conversations.create(engine, checkfirst=True)
    cutoff_timestamp = cutoff.timestamp()
    with engine.connect() as connection:
        aged = _aged_conversations(connection, cutoff_timestamp)
    rewritten = 0
    for batch in _chunks(aged, BATCH_SIZE):
        with engine.begin() as connection:
            rewritten += _purge_batch(connection, batch, cutoff_timestamp, now.replace(tzinfo=None))
    if rewritten:
        vacuum_sqlite(engine)
    return len(aged), rewritten


def purge(settings: RetentionSettings, now: Optional[datetime] = None) -> RetentionReport:
    """One retention pass over the tracker store and the outbox. Idempotent."""
    now = _aware_utc(now or datetime.now(timezone.utc))
    report = RetentionReport()
    if not _sqlite_file_missing(settings.tracker_store_url):
        engine = tracker_engine(settings)
        try:
            report.conversations_purged, report.events_rewritten = purge_trackers(
                engine, now - settings.tracker_retention, now)
        finally:
            engine.dispose()
    if not _sqlite_file_missing(settings.outbox_url):
        outbox = Outbox(settings.outbox_url)
        try:
            report.outbox_items_forgotten = outbox.forget_expired(now - settings.outbox_rejected_retention)
            # Always: the courier and the action server erase payloads on delivery and withdrawal,
            # and copies of them can remain in free pages; the outbox is small, this is quick.
            vacuum_sqlite(outbox.engine)
        finally:
            outbox.engine.dispose()
    return report


def _aware_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def parse_moment(text: str) -> datetime:
    """An ISO date or date-time; without a time zone it is UTC."""
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"  # fromisoformat accepts "Z" only from Python 3.11
    return _aware_utc(datetime.fromisoformat(text))


# ---------------------------------------------------------------------- command line

def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.retention", description=__doc__.splitlines()[0])
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--now", type=parse_moment, metavar="ISO-DATE",
                      help="run one pass as if it were this date (UTC unless a zone is given)")
    when.add_argument("--every", type=float, metavar="SECONDS",
                      help="run a pass every SECONDS until stopped (SIGTERM, Ctrl-C)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = RetentionSettings.from_env()
    if args.every is None:
        print(json.dumps(asdict(purge(settings, args.now))), flush=True)
        return 0
    if args.every <= 0:
        parser.error("--every needs a positive number of seconds")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    log.info("retention started: a pass every %s s, conversations kept %s", args.every, settings.tracker_retention)
    while not stop.is_set():
        try:
            log.info("retention pass: %s", json.dumps(asdict(purge(settings))))
        except Exception:  # noqa: BLE001 - a database hiccup must not end the loop
            log.exception("retention pass failed")
        stop.wait(args.every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
