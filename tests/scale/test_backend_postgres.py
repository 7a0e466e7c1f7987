"""The saisine backend on PostgreSQL (SAISINE_STORE_URL=postgresql://…), with the same tests as on
SQLite: the store's and the migrations' tests of tests/unit are imported here, and the
`database_url` fixture below, which they all take, gives them a PostgreSQL database instead.

Needs TEST_POSTGRES_URL (`make scale`); skipped without it. One database for the module, emptied
before each test: the tests expect an empty store.
"""
import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.backend import BackendConfig
from bot.backend.db import SaisineStore, make_engine, make_session_factory
from bot.backend.migrate import MIGRATION_LOCK_KEY, head_revision, upgrade_to_head
from tests.unit.saisine_samples import minimal_saisine
from tests.unit.test_backend_api import (  # noqa: F401 - collected and run here on PostgreSQL
    api,
    test_a_lone_surrogate_in_any_text_is_a_french_422,
    test_conflicting_retry_is_409,
    test_consent_time_without_a_utc_equivalent_is_a_french_422,
    test_create_then_idempotent_retry,
    test_each_role_only_its_own_routes,
    test_health,
    test_idempotency_header_required_and_consistent,
    test_invalid_payload_details_are_french,
    test_list_bad_parameters_are_400,
    test_list_shows_no_identity_and_is_audited,
    test_odd_payloads_never_500,
    test_read_full_saisine_with_consent_text_and_audit,
    test_reference_given_by_the_outbox_is_kept,
    test_retention_purge,
    test_retention_runs_at_start,
    test_same_key_sent_concurrently_creates_one_row,
    test_staff_erase,
    test_unknown_reference_is_404,
    test_unusual_text_is_stored_exactly_or_refused_in_french,
    test_withdraw_erases_and_keeps_a_tombstone,
)
from tests.unit.test_backend_migrations import (  # noqa: F401
    engine,
    test_a_database_created_before_alembic_is_stamped_and_keeps_its_data,
    test_cli_upgrade_and_current,
    test_downgrade_to_base_then_upgrade_again,
    test_half_a_schema_without_alembic_is_not_guessed,
    test_other_tables_in_a_shared_database_are_left_alone,
    test_the_backend_starts_on_a_database_created_before_alembic,
    test_upgrade_again_changes_nothing,
    test_upgrade_of_an_empty_database_gives_exactly_the_models,
)


ROOT = Path(__file__).resolve().parents[2]
WAITING_FOR_THE_LOCK = """SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                          WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()"""


@pytest.fixture
def database_url(postgres_database_url):
    admin = create_engine(postgres_database_url, future=True)
    with admin.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    admin.dispose()
    return postgres_database_url


def test_the_url_is_postgresql(database_url):
    assert database_url.startswith("postgresql://")
    assert BackendConfig.from_env({"SAISINE_STORE_URL": database_url}).database_url == database_url


def test_backends_starting_together_migrate_one_after_the_other(database_url):
    """Several backend processes starting at once on an empty database: each waits for the
    migration lock, so one creates the schema and the others find it done (without the lock, all
    but one failed on a duplicate table)."""
    holder = create_engine(database_url, future=True)
    try:
        with holder.connect() as held:
            held.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            processes = [subprocess.Popen([sys.executable, "-m", "bot.backend.migrate", "--url", database_url, "upgrade"],
                                          cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                         for _ in range(3)]
            try:
                deadline = time.monotonic() + 60
                while held.execute(text(WAITING_FOR_THE_LOCK)).scalar() < len(processes):
                    assert time.monotonic() < deadline, "the processes did not wait for the migration lock"
                    assert all(p.poll() is None for p in processes), "a process ended without waiting for the lock"
                    time.sleep(0.1)
            finally:
                held.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                outputs = [p.communicate(timeout=120)[0] for p in processes]
        assert [p.returncode for p in processes] == [0, 0, 0], outputs
        assert sum("Running upgrade  -> 0001" in output for output in outputs) == 1, outputs
        with holder.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]
    finally:
        holder.dispose()


async def test_many_saisines_at_once_each_get_their_own_reference(database_url):
    store_engine = make_engine(database_url)
    try:
        upgrade_to_head(store_engine)
        store = SaisineStore(make_session_factory(store_engine))
        keys = [f"idem-key-{n:012d}" for n in range(40)]
        results = await asyncio.gather(*(asyncio.to_thread(store.create, minimal_saisine(key), "texte")
                                         for key in keys + keys))  # each key twice, all at once
        references = {result["reference"] for result, _ in results}
        assert len(references) == 40 and store.count() == 40
        assert sum(created for _, created in results) == 40
    finally:
        store_engine.dispose()
