"""The saisine backend: an aiohttp app that receives, lists, reads and erases MAS saisines.

    python -m bot.backend                 serves on WEB_PORT (default 8000)
    bot.backend.app.init_app(config)      the app factory (tests build it with a tmp database)

Settings are read once from the environment by BackendConfig.from_env():

    SAISINE_STORE_URL      SQLAlchemy URL of the saisines store (default sqlite:///var/db/saisines.db)
    BACKEND_SERVICE_TOKEN  the action server's credential (POST, withdraw)
    BACKEND_STAFF_TOKEN    MAS staff's credential (list, read, erase)
    WEB_PORT               port of `python -m bot.backend`
    WEB_HOST               interface it listens on (default 127.0.0.1: this machine only)

The token defaults below are for development only: anyone reading this file knows them. A
deployment must set both variables (the app logs a warning when a default is in use).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

from aiohttp import web

DEV_SERVICE_TOKEN = "dev-only-service-token-change-me"
DEV_STAFF_TOKEN = "dev-only-staff-token-change-me"
DEFAULT_DATABASE_URL = "sqlite:///var/db/saisines.db"
DEFAULT_PORT = 8000
# A saisine is a few kilobytes; anything much larger is not one.
MAX_BODY_BYTES = 64 * 1024
PURGE_INTERVAL_SECONDS = 3600


@dataclass(frozen=True)
class BackendConfig:
    database_url: str = DEFAULT_DATABASE_URL
    service_token: str = DEV_SERVICE_TOKEN
    staff_token: str = DEV_STAFF_TOKEN
    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    max_body_bytes: int = MAX_BODY_BYTES
    purge_interval_seconds: float = PURGE_INTERVAL_SECONDS

    def __post_init__(self) -> None:
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
        )

    @property
    def uses_dev_tokens(self) -> bool:
        return self.service_token == DEV_SERVICE_TOKEN or self.staff_token == DEV_STAFF_TOKEN


CONFIG_KEY = web.AppKey("config", BackendConfig)
