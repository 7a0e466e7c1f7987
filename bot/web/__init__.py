"""The web pages, served by the web/backend process (`python -m bot.backend`, port 8000):

    /            chat page: the embeddable widget (static/widget.js) on Rasa's socket.io channel
    /borne       reception kiosk: four paths, on-screen keypad, idle reset, read aloud, print
    /reference   staff reference page, rendered from bot/knowledge (searchable, printable)
    /static/...  the pages' scripts and styles; /static/vendor/ serves socket.io-client from
                 node_modules (installed by `npm ci`), never from a CDN

Settings are read once from the environment by WebConfig.from_env():

    RASA_PUBLIC_URL          origin of the Rasa server as the browser reaches it (default
                             http://localhost:$RASA_PORT, i.e. http://localhost:5005); the only other
                             origin the pages may connect to (Content-Security-Policy connect-src)
    KIOSK_IDLE_SECONDS       inactivity before the kiosk asks "Êtes-vous toujours là ?" (default 120)
    KIOSK_WARNING_SECONDS    time left to answer before the kiosk is wiped (default 30, at least 20:
                             WCAG 2.2.1 asks for 20 seconds to extend)
"""
from __future__ import annotations

from bot.web.config import WebConfig
from bot.web.routes import setup_web_routes

__all__ = ["WebConfig", "setup_web_routes"]
