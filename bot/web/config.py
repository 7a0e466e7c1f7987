"""Settings of the web pages, read once from the environment (see bot/web/__init__.py)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional
from urllib.parse import urlsplit

from aiohttp import web

DEFAULT_RASA_PUBLIC_URL = "http://localhost:5005"
DEFAULT_IDLE_SECONDS = 120
DEFAULT_WARNING_SECONDS = 30
MIN_WARNING_SECONDS = 20
MIN_IDLE_SECONDS = 1


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of an http(s) URL without path, query or credentials; ValueError otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"RASA_PUBLIC_URL must be an http(s) URL, got {url!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"RASA_PUBLIC_URL must be an origin (scheme, host, port), got {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def check_kiosk_delays(idle_seconds: int, warning_seconds: int) -> None:
    if idle_seconds < MIN_IDLE_SECONDS:
        raise ValueError(f"the kiosk idle delay must be at least {MIN_IDLE_SECONDS} s")
    if warning_seconds < MIN_WARNING_SECONDS:
        raise ValueError(f"the kiosk warning must leave at least {MIN_WARNING_SECONDS} s to answer")


@dataclass(frozen=True)
class WebConfig:
    rasa_public_url: str = DEFAULT_RASA_PUBLIC_URL
    kiosk_idle_seconds: int = DEFAULT_IDLE_SECONDS
    kiosk_warning_seconds: int = DEFAULT_WARNING_SECONDS

    def __post_init__(self) -> None:
        object.__setattr__(self, "rasa_public_url", origin_of(self.rasa_public_url))
        check_kiosk_delays(self.kiosk_idle_seconds, self.kiosk_warning_seconds)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "WebConfig":
        env = os.environ if env is None else env
        return cls(
            # Without RASA_PUBLIC_URL: the Rasa server of `make run`, on this machine's RASA_PORT.
            rasa_public_url=env.get("RASA_PUBLIC_URL") or f"http://localhost:{env.get('RASA_PORT', 5005)}",
            kiosk_idle_seconds=int(env.get("KIOSK_IDLE_SECONDS", DEFAULT_IDLE_SECONDS)),
            kiosk_warning_seconds=int(env.get("KIOSK_WARNING_SECONDS", DEFAULT_WARNING_SECONDS)),
        )

    @property
    def rasa_socket_origin(self) -> str:
        """The WebSocket origin of the Rasa server: ws:// for http://, wss:// for https://."""
        return "ws" + self.rasa_public_url[len("http"):]


WEB_CONFIG_KEY = web.AppKey("web_config", WebConfig)

