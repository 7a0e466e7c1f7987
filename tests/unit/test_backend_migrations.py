"""The backend's schema comes from its Alembic revisions (bot.backend.migrate).

Each test takes the `database_url` fixture: a SQLite file here; tests/scale/test_backend_postgres.py
runs the same tests on a PostgreSQL database.
"""
import pytest
from aiohttp.test_utils import TestClient, TestServer
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.backend import BackendConfig
from bot.backend.app import init_app
from bot.backend.db import STORE_KEY, AuditRow, Base, SaisineRow, SaisineStore, make_engine, make_session_factory
from bot.backend.migrate import BASELINE_REVISION, alembic_config, current_revision, head_revision, main, upgrade_to_head
from tests.unit.saisine_samples import minimal_saisine

STAFF = {"Authorization": "Bearer staff-secret-for-tests"}
KEY = "idem-key-000000000001"


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'saisines.db'}"


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def schema_differences(engine) -> list:
    """What Alembic's autogenerate would write to go from the database to the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def table_names(engine) -> set:
    return set(inspect(engine).get_table_names())


def test_upgrade_of_an_empty_database_gives_exactly_the_models(engine):
    assert table_names(engine) == set()
    upgrade_to_head(engine)
    assert table_names(engine) == {"saisines", "audit_log", "alembic_version"}
    assert schema_differences(engine) == []
    assert current_revision(engine) == head_revision()
    indexes = {ix["name"] for table in ("saisines", "audit_log") for ix in inspect(engine).get_indexes(table)}
    assert {"ix_saisines_status", "ix_saisines_retention_until", "ix_audit_log_reference"} <= indexes


def test_upgrade_again_changes_nothing(engine):
    upgrade_to_head(engine)
    store = SaisineStore(make_session_factory(engine))
    result, _ = store.create(minimal_saisine(KEY), "texte")
    upgrade_to_head(engine)
    assert store.read(result["reference"], "staff")["status"] == "received"


def test_a_database_created_before_alembic_is_stamped_and_keeps_its_data(engine):
    Base.metadata.create_all(engine)  # how the backend made its tables before Alembic
    store = SaisineStore(make_session_factory(engine))
    result, _ = store.create(minimal_saisine(KEY), "texte")
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == []
    assert store.read(result["reference"], "staff")["saisine"]["person"]["nom"] == "Martin"
    assert [a["action"] for a in store.audit_log(result["reference"])] == ["create", "read"]


async def test_the_backend_starts_on_a_database_created_before_alembic(database_url, engine):
    Base.metadata.create_all(engine)
    result, _ = SaisineStore(make_session_factory(engine)).create(minimal_saisine(KEY), "texte")
    config = BackendConfig(database_url=database_url, service_token="service-secret-for-tests",
                           staff_token="staff-secret-for-tests")
    async with TestClient(TestServer(init_app(config))) as client:
        resp = await client.get(f"/api/saisines/{result['reference']}", headers=STAFF)
        assert resp.status == 200 and (await resp.json())["status"] == "received"
        assert client.server.app[STORE_KEY].count() == 1
    assert current_revision(engine) == head_revision()


def test_half_a_schema_without_alembic_is_not_guessed(engine):
    SaisineRow.__table__.create(engine)  # saisines without audit_log: not made by the backend
    with pytest.raises(RuntimeError, match="audit_log"):
        upgrade_to_head(engine)
    assert "alembic_version" not in table_names(engine)


def test_downgrade_to_base_then_upgrade_again(engine):
    upgrade_to_head(engine)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert table_names(engine) <= {"alembic_version"}
    upgrade_to_head(engine)
    assert schema_differences(engine) == []


def test_other_tables_in_a_shared_database_are_left_alone(engine):
    with engine.begin() as connection:  # e.g. Rasa's tracker store in the same PostgreSQL database
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)"))
    upgrade_to_head(engine)
    assert "events" in table_names(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        # `alembic check` through env.py: autogenerate would not propose to drop "events".
        command.check(alembic_config(connection))


def test_cli_upgrade_and_current(database_url, engine, capsys):
    main(["--url", database_url, "upgrade"])
    main(["--url", database_url, "current"])
    assert capsys.readouterr().out.strip() == head_revision()
    assert schema_differences(engine) == []


def test_cli_prints_the_postgresql_sql_without_a_server(capsys):
    main(["--url", "postgresql://nobody@127.0.0.1:1/none", "upgrade", "--sql"])
    sql = capsys.readouterr().out
    assert "CREATE TABLE saisines" in sql and "CREATE INDEX ix_saisines_status" in sql
    assert f"INSERT INTO alembic_version (version_num) VALUES ('{head_revision()}')" in sql


def test_the_baseline_is_the_first_revision():
    from alembic.script import ScriptDirectory

    revisions = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())
    assert revisions[-1].revision == BASELINE_REVISION and revisions[-1].down_revision is None
    assert {AuditRow.__tablename__, SaisineRow.__tablename__} == set(Base.metadata.tables)
