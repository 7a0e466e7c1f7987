"""Every error becomes JSON {"error": "<French message>"} with the right status.

Bad input is always a 4xx: routes raise ApiError with a precise message; aiohttp's own HTTP
errors (unknown route, wrong method, body too large) get a French message from the map below.
Only a bug gives a 500, and its message says nothing about the internals.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from aiohttp import web

log = logging.getLogger(__name__)

MESSAGES = {
    400: "Requête invalide.",
    401: "Authentification requise : jeton absent ou invalide.",
    403: "Accès refusé.",
    404: "Ressource introuvable.",
    405: "Méthode non autorisée pour cette adresse.",
    409: "Conflit avec une saisine existante.",
    413: "Requête trop volumineuse.",
    415: "Le corps de la requête doit être du JSON (Content-Type: application/json).",
    422: "Le contenu de la requête est invalide.",
}
INTERNAL_ERROR = "Erreur interne du serveur. Réessayez plus tard."


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
        return error_response(exc.status, MESSAGES.get(exc.status, "Requête refusée."), headers=headers)
    except Exception:  # noqa: BLE001 - last resort: log it, answer JSON
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, INTERNAL_ERROR)


def setup_middlewares(app: web.Application) -> None:
    app.middlewares.append(error_middleware)
