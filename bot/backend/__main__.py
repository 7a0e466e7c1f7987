"""`python -m bot.backend`: serve the saisine API on WEB_HOST:WEB_PORT (127.0.0.1:8000)."""
import logging

from aiohttp import web

from bot.backend import BackendConfig
from bot.backend.app import init_app


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    config = BackendConfig.from_env()
    web.run_app(init_app(config), host=config.host, port=config.port)


if __name__ == "__main__":
    main()
