"""Schema migrations of the saisine backend: Alembic, configured in code (no alembic.ini).

The backend calls upgrade_to_head(engine) at every start. By hand, on SAISINE_STORE_URL (default
sqlite:///var/db/saisines.db) or --url:

    python -m bot.backend.migrate upgrade [REVISION]      default head
    python -m bot.backend.migrate upgrade --sql           print the SQL instead (for a DBA)
    python -m bot.backend.migrate downgrade REVISION
    python -m bot.backend.migrate current | history
    python -m bot.backend.migrate revision -m "add a column" --autogenerate

A new revision: change the models in bot/backend/db.py, then run `revision --autogenerate`. Without
--url it compares the models with a temporary SQLite database upgraded to head, and writes
bot/backend/migrations/versions/NNNN_<message>.py (NNNN: the next number). Read it, complete it by
hand where autogenerate cannot guess (renames, data), then test it:
tests/unit/test_backend_migrations.py checks that head gives exactly the models' schema.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Optional

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from bot.backend import DEFAULT_DATABASE_URL
from bot.backend.db import make_engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The schema that Base.metadata.create_all made before Alembic: revision 0001 is exactly it.
BASELINE_REVISION = "0001"
BASELINE_TABLES = frozenset({"saisines", "audit_log"})
# Any constant shared by every backend process: PostgreSQL's advisory lock for the migration.
MIGRATION_LOCK_KEY = 0x5A15178E


def alembic_config(connection: Optional[Connection] = None, url: Optional[str] = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def _created_before_alembic(connection: Connection) -> bool:
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables or not tables & BASELINE_TABLES:
        return False
    if not BASELINE_TABLES <= tables:
        raise RuntimeError(
            f"saisines store: only {sorted(tables & BASELINE_TABLES)} of {sorted(BASELINE_TABLES)} exist and no "
            "alembic_version table: this schema was not made by the backend, repair it by hand")
    return True


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the latest revision, in one transaction where the database allows it.

    A database created by create_all before Alembic (its tables, no alembic_version) is stamped at
    the baseline first: its tables are kept as they are, and only later revisions run."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several backend processes starting at once: one migrates, the others wait for it and
            # then find nothing to do. Released at commit.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config = alembic_config(connection)
        if _created_before_alembic(connection):
            log.info("saisines store created before Alembic: stamped at revision %s", BASELINE_REVISION)
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> Optional[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> Optional[str]:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _next_revision_id() -> str:
    head = head_revision()
    return f"{int(head) + 1:04d}" if head else "0001"


def _new_revision(message: str, autogenerate: bool, url: Optional[str]) -> None:
    if not autogenerate:
        command.revision(alembic_config(), message=message, rev_id=_next_revision_id())
        return
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(url or f"sqlite:///{Path(folder) / 'head.db'}")
        try:
            if url is None:
                upgrade_to_head(engine)
            with engine.begin() as connection:
                command.revision(alembic_config(connection), message=message, autogenerate=True,
                                 rev_id=_next_revision_id())
        finally:
            engine.dispose()


def main(argv: Optional[Iterable[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.backend.migrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="SQLAlchemy URL (default: SAISINE_STORE_URL)")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("upgrade")
    up.add_argument("revision", nargs="?", default="head")
    up.add_argument("--sql", action="store_true", help="print the SQL, change nothing")
    down = commands.add_parser("downgrade")
    down.add_argument("revision")
    commands.add_parser("current")
    commands.add_parser("history")
    new = commands.add_parser("revision")
    new.add_argument("-m", "--message", required=True)
    new.add_argument("--autogenerate", action="store_true")
    args = parser.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    if args.command == "revision":
        _new_revision(args.message, args.autogenerate, args.url)
        return
    if args.command == "history":
        command.history(alembic_config())
        return
    url = args.url or os.environ.get("SAISINE_STORE_URL", DEFAULT_DATABASE_URL)
    if args.command == "upgrade" and args.sql:
        command.upgrade(alembic_config(url=url), args.revision, sql=True)
        return
    engine = make_engine(url)
    try:
        if args.command == "current":
            print(current_revision(engine) or "(no revision: empty database)")
        elif args.command == "upgrade" and args.revision == "head":
            upgrade_to_head(engine)
        else:
            with engine.begin() as connection:
                runner = command.upgrade if args.command == "upgrade" else command.downgrade
                runner(alembic_config(connection), args.revision)
    finally:
        engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
