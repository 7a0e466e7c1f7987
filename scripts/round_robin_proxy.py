"""A plain HTTP reverse proxy that sends each request to the next upstream in turn.

    python scripts/round_robin_proxy.py --port 5000 http://127.0.0.1:5005 http://127.0.0.1:5006

Used by the scale tests (tests/scale) in front of two Rasa servers and in front of two action
servers: strict alternation makes one conversation's consecutive messages land on different
processes, which is the point of those tests. When an upstream refuses the connection, the request
goes to the next one; a request already sent is never sent twice (nginx's default for a POST). Only the
tests use it: production puts nginx in front (deploy/).

GET /__proxy/stats answers how many requests each upstream served.
"""
from __future__ import annotations

import argparse
import itertools
import logging

import aiohttp
from aiohttp import web

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length"}
STATS_PATH = "/__proxy/stats"

log = logging.getLogger("round_robin_proxy")


def make_app(upstreams: list[str], timeout_seconds: float = 120) -> web.Application:
    order = itertools.cycle(range(len(upstreams)))
    served = [0] * len(upstreams)
    session_key = web.AppKey("session", aiohttp.ClientSession)

    async def open_session(app: web.Application) -> None:
        app[session_key] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_seconds),
                                                 auto_decompress=False)

    async def close_session(app: web.Application) -> None:
        await app[session_key].close()

    async def stats(_: web.Request) -> web.Response:
        return web.json_response({"upstreams": upstreams, "served": served})

    async def forward(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        last_error = None
        for _ in range(len(upstreams)):
            index = next(order)
            url = upstreams[index] + request.rel_url.path_qs
            try:
                async with request.app[session_key].request(request.method, url, headers=headers, data=body,
                                                            allow_redirects=False) as answer:
                    payload = await answer.read()
                    served[index] += 1
                    log.info("%s %s -> upstream %d (%d)", request.method, request.rel_url.path, index, answer.status)
                    return web.Response(body=payload, status=answer.status, headers={
                        k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP})
            except aiohttp.ClientConnectorError as error:
                # Refused: that process is down, the next one takes the request. A connection lost
                # after the request was sent is not retried (as nginx does not for a POST): the
                # upstream may have acted on it.
                log.warning("upstream %d unreachable (%s), trying the next one", index, error)
                last_error = error
        return web.json_response({"error": f"aucun serveur disponible ({last_error})"}, status=502)

    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.on_startup.append(open_session)
    app.on_cleanup.append(close_session)
    app.router.add_get(STATS_PATH, stats)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("upstreams", nargs="+")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    web.run_app(make_app([u.rstrip("/") for u in args.upstreams]), host="127.0.0.1", port=args.port,
                print=None)


if __name__ == "__main__":
    main()
