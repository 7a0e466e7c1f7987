"""Alembic environment of the saisine backend. bot.backend.migrate configures it in code (no
alembic.ini) and hands it an open connection, or a URL for `upgrade --sql`."""
from alembic import context

from bot.backend.db import Base

config = context.config
target_metadata = Base.metadata


def include_name(name, type_, parent_names) -> bool:
    # The database may be shared (Rasa's tracker store, the outbox): only the backend's own tables
    # are compared, so autogenerate never proposes to drop someone else's.
    if type_ == "table":
        return name in target_metadata.tables
    return True


OPTIONS = dict(
    target_metadata=target_metadata,
    include_name=include_name,
    compare_type=True,
    # SQLite cannot ALTER most things: autogenerate writes batch operations, which also run on PostgreSQL.
    render_as_batch=True,
)

if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **OPTIONS)
else:
    context.configure(connection=config.attributes["connection"], **OPTIONS)

# Inside the caller's transaction when there is one (bot.backend.migrate.upgrade_to_head).
with context.begin_transaction():
    context.run_migrations()
