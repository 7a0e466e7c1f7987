"""Routes of the web pages: setup_web_routes(app) is called by bot.backend.app.init_app."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Optional, Tuple

from aiohttp import web

from bot.web.config import WEB_CONFIG_KEY, WebConfig, check_kiosk_delays
from bot.web.html import render_template
from bot.web.links import official_domains
from bot.web.reference import render_reference
from bot.web.security import setup_security_headers

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = Path(__file__).parent / "static"
# Browser libraries installed by `npm ci` (package-lock.json), served from this process only.
VENDOR_FILES = {
    "socket.io.min.js": ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js",
}


def _html(body: str) -> web.Response:
    return web.Response(text=body, content_type="text/html", charset="utf-8")


def _widget_settings(config: WebConfig) -> dict:
    return {"rasa_url": config.rasa_public_url, "link_domains": " ".join(official_domains())}


async def chat_page(request: web.Request) -> web.Response:
    return _html(render_template("chat.html", **_widget_settings(request.app[WEB_CONFIG_KEY])))


def _kiosk_delays(request: web.Request, config: WebConfig) -> Tuple[int, int]:
    """The configured delays, or the ones in the kiosk's URL (?inactivite=90&avertissement=30):
    each kiosk can be started on its own URL. Invalid values fall back to the configuration."""
    try:
        idle = int(request.query.get("inactivite", config.kiosk_idle_seconds))
        warning = int(request.query.get("avertissement", config.kiosk_warning_seconds))
        check_kiosk_delays(idle, warning)
    except ValueError:
        return config.kiosk_idle_seconds, config.kiosk_warning_seconds
    return idle, warning


async def kiosk_page(request: web.Request) -> web.Response:
    config = request.app[WEB_CONFIG_KEY]
    idle, warning = _kiosk_delays(request, config)
    return _html(render_template("kiosk.html", idle_seconds=idle, warning_seconds=warning, **_widget_settings(config)))


async def reference_page(request: web.Request) -> web.Response:
    # Off the event loop: the first rendering reads the knowledge files (about a second).
    return _html(await asyncio.to_thread(render_reference))


async def vendor_file(request: web.Request) -> web.FileResponse:
    path = VENDOR_FILES.get(request.match_info["name"])
    if path is None or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path)


def setup_web_routes(app: web.Application, config: Optional[WebConfig] = None) -> None:
    config = config or WebConfig.from_env()
    app[WEB_CONFIG_KEY] = config
    missing = [str(p) for p in VENDOR_FILES.values() if not p.is_file()]
    if missing:
        log.warning("web pages: %s missing, run `npm ci` (make install)", ", ".join(missing))
    official_domains()  # read the knowledge now: a broken card stops the start, not a page
    app.router.add_get("/", chat_page)
    app.router.add_get("/borne", kiosk_page)
    app.router.add_get("/reference", reference_page)
    app.router.add_get("/static/vendor/{name}", vendor_file)
    app.router.add_static("/static", STATIC_DIR, follow_symlinks=False, show_index=False)
    setup_security_headers(app, config)
