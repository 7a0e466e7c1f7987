"""Security headers of every page and static file (not /api nor /health, left as they were).

The pages load nothing from a third party: scripts, styles and socket.io-client come from this
process; the only other origin they may reach is the Rasa server (RASA_PUBLIC_URL), over HTTP
(socket.io polling) and WebSocket. No inline script or style is allowed.
"""
from __future__ import annotations

from typing import Dict

from aiohttp import web

from bot.web.config import WebConfig

UNTOUCHED_PREFIXES = ("/api/", "/health")


def content_security_policy(config: WebConfig) -> str:
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        f"connect-src 'self' {config.rasa_public_url} {config.rasa_socket_origin}",
        "form-action 'self'",
        "base-uri 'none'",
        # The pages are not framed: a site embeds the widget's script, not the page (README).
        "frame-ancestors 'none'",
    ])


def security_headers(config: WebConfig) -> Dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(config),
        "X-Content-Type-Options": "nosniff",
        # Health questions: not even our origin is sent to the official sites we link to.
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    }


def setup_security_headers(app: web.Application, config: WebConfig) -> None:
    headers = security_headers(config)

    async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
        if request.path.startswith(UNTOUCHED_PREFIXES):
            return
        response.headers.update(headers)
        # Revalidate (ETag / Last-Modified): a new version of a script is never half-applied.
        response.headers.setdefault("Cache-Control", "no-cache")

    app.on_response_prepare.append(add_headers)
