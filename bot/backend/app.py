"""The backend's app factory: init_app(config) -> aiohttp Application."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator, Optional

from aiohttp import web

from bot.backend import CONFIG_KEY, BackendConfig
from bot.backend.db import STORE_KEY, SaisineStore, make_engine, make_session_factory
from bot.backend.middlewares import setup_middlewares
from bot.backend.migrate import upgrade_to_head
from bot.backend.routes import setup_routes
from bot.web import setup_web_routes

log = logging.getLogger(__name__)


async def database_ctx(app: web.Application) -> AsyncIterator[None]:
    engine = make_engine(app[CONFIG_KEY].database_url)
    upgrade_to_head(engine)  # Alembic: a new database is created, an older one migrated
    app[STORE_KEY] = SaisineStore(make_session_factory(engine))
    yield
    engine.dispose()


async def _purge_forever(store: SaisineStore, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            erased = await asyncio.to_thread(store.purge_expired)
            if erased:
                log.info("retention: %d saisine(s) erased", len(erased))
        except Exception:  # noqa: BLE001 - the job must survive a failed run and try again
            log.exception("retention job failed")


async def retention_ctx(app: web.Application) -> AsyncIterator[None]:
    """Erase expired saisines at start, then every purge_interval_seconds (an hour)."""
    store = app[STORE_KEY]
    await asyncio.to_thread(store.purge_expired)
    task = asyncio.create_task(_purge_forever(store, app[CONFIG_KEY].purge_interval_seconds))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def init_app(config: Optional[BackendConfig] = None) -> web.Application:
    config = config or BackendConfig.from_env()
    if config.uses_dev_tokens:
        log.warning("backend uses a development token: set BACKEND_SERVICE_TOKEN and BACKEND_STAFF_TOKEN")
    # aiohttp refuses a body of client_max_size bytes or more; max_body_bytes itself is allowed.
    app = web.Application(client_max_size=config.max_body_bytes + 1)
    app[CONFIG_KEY] = config
    setup_middlewares(app)  # rate and size limits cover the web pages too
    setup_routes(app)
    setup_web_routes(app)
    app.cleanup_ctx.append(database_ctx)
    app.cleanup_ctx.append(retention_ctx)  # after the database: it needs the store
    return app
