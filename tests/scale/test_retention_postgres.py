"""Retention (bot.retention) on PostgreSQL, the production tracker store: real trackers written by
Rasa's SQLTrackerStore, multiplied to hundreds of conversations so that the purge works through
several batches, then purged; nothing the old conversations carried is left in any row.

Needs TEST_POSTGRES_URL (`make scale`); skipped without it. One database for the module; each test
uses its own schema, as a deployment may (POSTGRESQL_SCHEMA), so the tests do not see each other.
On PostgreSQL the purge is checked through SQL: old row versions wait for autovacuum (see
bot/retention.py).
"""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy import create_engine, text

from bot import retention
from bot.saisine.outbox import REJECTED, Outbox
from tests.unit.test_retention import (DAY, NOW, OLD_PERSON, RECENT_PERSON, ROOT, Refusing, outbox_saisine,
                                       saisine_conversation)

OLD_COPIES = 3 * retention.BATCH_SIZE + 7  # several full batches and a partial one
RECENT_COPIES = 50


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def schema_url(postgres_database_url, monkeypatch, request, tmp_path):
    """The module's database, with a schema of the test's own as Rasa's POSTGRESQL_SCHEMA."""
    schema = request.node.name.removeprefix("test_")[:50]
    admin = create_engine(postgres_database_url, future=True)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    monkeypatch.setenv("POSTGRESQL_SCHEMA", schema)  # read by Rasa's engine and by from_env
    monkeypatch.setenv("TRACKER_STORE_URL", postgres_database_url)
    monkeypatch.setenv("OUTBOX_URL", f"sqlite:///{tmp_path / 'no-outbox.db'}")  # absent: left alone
    return postgres_database_url


@pytest.fixture
def store(domain, schema_url):
    tracker_store = SQLTrackerStore(domain, host=schema_url)
    yield tracker_store
    tracker_store.engine.dispose()


def copy_conversation(connection, sender: str, copies: int) -> None:
    """The conversation's rows again under `copies` new sender ids, as many people would write."""
    connection.execute(text(
        "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
        "SELECT sender_id || '-' || copy, type_name, timestamp, intent_name, action_name, data "
        "FROM events CROSS JOIN generate_series(1, :copies) AS copy WHERE sender_id = :sender ORDER BY copy, id"),
        {"sender": sender, "copies": copies})


def rows_holding(connection, traces) -> int:
    """Rows of any table in the schema whose text holds one of the traces."""
    tables = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars()
    return sum(
        connection.execute(text(f'SELECT count(*) FROM "{table}" AS t WHERE t::text LIKE ANY(:patterns)'),
                           {"patterns": [f"%{trace}%" for trace in traces]}).scalar()
        for table in tables
    )


async def test_old_conversations_are_purged_in_batches_and_recent_ones_kept(store):
    await store.save(saisine_conversation("old", NOW - 3 * DAY, OLD_PERSON))
    await store.save(saisine_conversation("recent", NOW - timedelta(hours=1), RECENT_PERSON))
    with store.engine.begin() as connection:
        copy_conversation(connection, "old", OLD_COPIES)
        copy_conversation(connection, "recent", RECENT_COPIES)
    settings = retention.RetentionSettings.from_env()
    assert settings.postgresql_schema  # the purge reads the same schema as Rasa
    with store.engine.connect() as connection:
        assert rows_holding(connection, OLD_PERSON.stored()) > OLD_COPIES  # the data really is there
        recent_rows = connection.execute(text("SELECT id, data FROM events WHERE sender_id LIKE 'recent%' "
                                              "ORDER BY id")).all()
        old_events = connection.execute(text("SELECT count(*) FROM events WHERE sender_id LIKE 'old%'")).scalar()

    started = time.monotonic()
    report = retention.purge(settings, now=NOW)
    print(f"\nretention on PostgreSQL: {old_events} events of {OLD_COPIES + 1} conversations "
          f"in {time.monotonic() - started:.1f} s")

    assert report.conversations_purged == OLD_COPIES + 1
    assert 0 < report.events_rewritten <= old_events
    with store.engine.connect() as connection:
        assert rows_holding(connection, OLD_PERSON.traces()) == 0
        assert connection.execute(text("SELECT id, data FROM events WHERE sender_id LIKE 'recent%' "
                                       "ORDER BY id")).all() == recent_rows
        assert connection.execute(text("SELECT count(*) FROM events WHERE sender_id LIKE 'old%' "
                                       "AND type_name = 'user' AND intent_name IS NULL")).scalar() == 0
    loaded = await store.retrieve_full_tracker(f"old-{OLD_COPIES}")
    assert loaded.get_slot("right") == "c2s" and loaded.get_slot("saisine_reference") is None
    assert retention.purge(settings, now=NOW) == retention.RetentionReport(0, 0, 0)


async def test_the_outbox_on_postgresql_forgets_rejected_saisines(schema_url, monkeypatch):
    monkeypatch.setenv("OUTBOX_URL", schema_url)
    settings = retention.RetentionSettings.from_env()
    outbox = Outbox(schema_url)  # no schema setting: its table is in the database's default one
    try:
        reference = outbox.enqueue(outbox_saisine(1, OLD_PERSON.e164), now=(NOW - 40 * DAY).replace(tzinfo=None))
        await outbox.deliver_pending(Refusing(), now=(NOW - 40 * DAY).replace(tzinfo=None), reference=reference)
        assert outbox.status(reference) == REJECTED
        assert retention.purge(settings, now=NOW).outbox_items_forgotten == 1
        assert [item.payload for item in outbox.items() if item.reference == reference] == [None]
    finally:
        outbox.engine.dispose()
