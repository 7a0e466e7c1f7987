"""The saisine backend: an aiohttp app that receives, lists, reads and erases MAS saisines.

    python -m bot.backend                 serves on WEB_PORT (default 8000)
    bot.backend.app.init_app(config)      the app factory (tests build it with a tmp database)

Settings are read once from the environment by BackendConfig.from_env():

    SAISINE_STORE_URL      SQLAlchemy URL of the saisines store (default sqlite:///var/db/saisines.db)
    BACKEND_SERVICE_TOKEN  the action server's credential (POST, withdraw)
    BACKEND_STAFF_TOKEN    MAS staff's credential (list, read, erase)
    WEB_PORT               port of `python -m bot.backend`
    WEB_HOST               interface it listens on (default 127.0.0.1: this machine only)
    WEB_RATE_LIMIT_PER_MINUTE  requests a minute per client address, pages and API alike
                           (default 600; 0 turns the limit off); over it: 429 and Retry-After
    WEB_RATE_LIMIT_BURST   requests a client may send at once before the per-minute rate applies
                           (default 120: a page and its files are about ten)
    WEB_TRUSTED_PROXIES    addresses or networks of the reverse proxies in front of this process
                           ("10.0.0.5, 192.168.0.0/24"); only their X-Forwarded-For is read for
                           the client address (default: none, the header is ignored)
    WEB_MAX_BODY_BYTES     largest request body (default 65536); over it: 413

The schema of the store is migrated to the latest revision at start (bot.backend.migrate,
Alembic).

The token defaults below are for development only: anyone reading this file knows them. A
deployment must set both variables (the app logs a warning when a default is in use).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

from aiohttp import web

from bot.backend.ratelimit import parse_networks

DEV_SERVICE_TOKEN = "dev-only-service-token-change-me"
DEV_STAFF_TOKEN = "dev-only-staff-token-change-me"
DEFAULT_DATABASE_URL = "sqlite:///var/db/saisines.db"
DEFAULT_PORT = 8000
# A saisine is a few kilobytes; anything much larger is not one.
MAX_BODY_BYTES = 64 * 1024
PURGE_INTERVAL_SECONDS = 3600
# Ten requests a second on average, 120 at once, per client address: a person loading the chat
# page, a kiosk, or the action server sending saisines stays far below; a script looping does not.
RATE_LIMIT_PER_MINUTE = 600
RATE_LIMIT_BURST = 120


@dataclass(frozen=True)
class BackendConfig:
    database_url: str = DEFAULT_DATABASE_URL
    service_token: str = DEV_SERVICE_TOKEN
    staff_token: str = DEV_STAFF_TOKEN
    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    max_body_bytes: int = MAX_BODY_BYTES
    purge_interval_seconds: float = PURGE_INTERVAL_SECONDS
    rate_limit_per_minute: float = RATE_LIMIT_PER_MINUTE  # 0: no limit
    rate_limit_burst: int = RATE_LIMIT_BURST
    trusted_proxies: str = ""  # comma-separated addresses or networks

    def __post_init__(self) -> None:
        if self.max_body_bytes < 1 or self.rate_limit_per_minute < 0 or self.rate_limit_burst < 1:
            raise ValueError("WEB_MAX_BODY_BYTES and WEB_RATE_LIMIT_BURST must be positive, "
                             "WEB_RATE_LIMIT_PER_MINUTE positive or 0")
        parse_networks(self.trusted_proxies)  # a typo in WEB_TRUSTED_PROXIES stops the start
        if not self.service_token or not self.staff_token:
            raise ValueError("both the service and the staff token must be set")
        if self.service_token == self.staff_token:
            # Two roles, two secrets: the action server must never be able to read saisines.
            raise ValueError("BACKEND_SERVICE_TOKEN and BACKEND_STAFF_TOKEN must differ")

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "BackendConfig":
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("SAISINE_STORE_URL", DEFAULT_DATABASE_URL),
            service_token=env.get("BACKEND_SERVICE_TOKEN", DEV_SERVICE_TOKEN),
            staff_token=env.get("BACKEND_STAFF_TOKEN", DEV_STAFF_TOKEN),
            port=int(env.get("WEB_PORT", DEFAULT_PORT)),
            host=env.get("WEB_HOST", "127.0.0.1"),
            max_body_bytes=int(env.get("WEB_MAX_BODY_BYTES", MAX_BODY_BYTES)),
            rate_limit_per_minute=float(env.get("WEB_RATE_LIMIT_PER_MINUTE", RATE_LIMIT_PER_MINUTE)),
            rate_limit_burst=int(env.get("WEB_RATE_LIMIT_BURST", RATE_LIMIT_BURST)),
            trusted_proxies=env.get("WEB_TRUSTED_PROXIES", ""),
        )

    @property
    def uses_dev_tokens(self) -> bool:
        return self.service_token == DEV_SERVICE_TOKEN or self.staff_token == DEV_STAFF_TOKEN


CONFIG_KEY = web.AppKey("config", BackendConfig)
