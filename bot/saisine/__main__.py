"""`python -m bot.saisine`: the outbox courier, the retry loop of the saisine hand-off.

The chat action writes a confirmed saisine to the outbox and tries one delivery at once; this
process delivers whatever is still due (backend down at that moment, a withdrawal to relay) with
backoff, until it is stopped. Several couriers may share one outbox: items are claimed atomically.

    OUTBOX_URL             default sqlite:///var/db/outbox.db (the same as the action server's)
    BACKEND_URL            default http://localhost:8000
    BACKEND_SERVICE_TOKEN  default: the development token
    OUTBOX_POLL_SECONDS    default 5: how soon an item enqueued by another process is noticed
"""
import asyncio
import logging
import os
import signal

from bot.saisine.client import BackendClient
from bot.saisine.outbox import default_outbox


async def main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    poll = float(os.environ.get("OUTBOX_POLL_SECONDS", "5"))
    async with BackendClient.from_env() as client:
        logging.getLogger(__name__).info("outbox courier started (poll every %s s)", poll)
        await default_outbox().run(client, stop, poll_seconds=poll)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(main())
