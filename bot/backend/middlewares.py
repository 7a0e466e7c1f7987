"""The middlewares of the whole web/backend process (API, pages, static files), outermost first:

    rate limit   per client address (bot.backend.ratelimit): 429 and Retry-After, before any work
    errors       every error becomes JSON {"error": "<French message>"} with the right status
    body size    a declared Content-Length over the limit: 413 before the body is read

Bad input is always a 4xx: routes raise ApiError with a precise message; aiohttp's own HTTP
errors (unknown route, wrong method, body too large) get a French message from the map below.
Only a bug gives a 500, and its message says nothing about the internals.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence

from aiohttp import web

from bot.backend import CONFIG_KEY
from bot.backend.ratelimit import Network, TokenBucketLimiter, parse_networks, request_client, retry_after_seconds

log = logging.getLogger(__name__)

MESSAGES = {
    400: "Requête invalide.",
    401: "Authentification requise : jeton absent ou invalide.",
    403: "Accès refusé.",
    404: "Ressource introuvable.",
    405: "Méthode non autorisée pour cette adresse.",
    409: "Conflit avec une saisine existante.",
    415: "Le corps de la requête doit être du JSON (Content-Type: application/json).",
    422: "Le contenu de la requête est invalide.",
}
INTERNAL_ERROR = "Erreur interne du serveur. Réessayez plus tard."


def too_large_message(max_bytes: int) -> str:
    return f"Requête trop volumineuse : {max_bytes // 1024 or 1} Ko au plus."


def too_many_message(seconds: int) -> str:
    return f"Trop de requêtes envoyées depuis votre adresse. Réessayez dans {seconds} secondes."


class ApiError(Exception):
    def __init__(self, status: int, message: str, details: Optional[List[Dict[str, str]]] = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


def error_response(status: int, message: str, details: Any = None, headers: Any = None) -> web.Response:
    body: Dict[str, Any] = {"error": message}
    if details:
        body["details"] = details
    return web.json_response(body, status=status, headers=headers)


@web.middleware
async def error_middleware(request: web.Request, handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as err:
        headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
        return error_response(err.status, err.message, err.details, headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise  # redirects and the like are not errors
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        if exc.status == 413:  # a body that went over client_max_size while it was read
            return error_response(413, too_large_message(request.app[CONFIG_KEY].max_body_bytes))
        return error_response(exc.status, MESSAGES.get(exc.status, "Requête refusée."), headers=headers)
    except Exception:  # noqa: BLE001 - last resort: log it, answer JSON
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, INTERNAL_ERROR)


@web.middleware
async def body_size_middleware(request: web.Request, handler) -> web.StreamResponse:
    # Every route, even one that never reads its body. A chunked body has no length: aiohttp's
    # client_max_size stops it while it is read.
    limit = request.app[CONFIG_KEY].max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, too_large_message(limit))
    return await handler(request)


def rate_limit_middleware(limiter: TokenBucketLimiter, proxies: Sequence[Network]) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler) -> web.StreamResponse:
        wait = limiter.acquire(request_client(request, proxies))
        if wait > 0:
            seconds = retry_after_seconds(wait)
            return error_response(429, too_many_message(seconds), headers={"Retry-After": str(seconds)})
        return await handler(request)

    return middleware


def setup_middlewares(app: web.Application) -> None:
    config = app[CONFIG_KEY]
    if config.rate_limit_per_minute > 0:
        limiter = TokenBucketLimiter(config.rate_limit_per_minute, config.rate_limit_burst)
        app.middlewares.append(rate_limit_middleware(limiter, parse_networks(config.trusted_proxies)))
    app.middlewares.append(error_middleware)
    app.middlewares.append(body_size_middleware)
