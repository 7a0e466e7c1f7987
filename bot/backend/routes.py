"""HTTP handlers of the saisine API (described in openapi.yml). Handlers are adapters: check the
caller and the input, call SaisineStore, answer JSON. Errors are raised as ApiError (French)."""
from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any, Dict

from aiohttp import web
from pydantic import ValidationError

from bot.backend.auth import SERVICE, STAFF, require
from bot.backend.db import ERASED, RECEIVED, STORE_KEY, WITHDRAWN, Conflict
from bot.backend.middlewares import ApiError
from bot.saisine.model import REFERENCE_PATTERN, Saisine, french_errors
from bot.saisine.validation import consent_text

OPENAPI_PATH = Path(__file__).with_name("openapi.yml")
MAX_PAGE = 200
NOT_FOUND = "Aucune saisine ne porte cette référence."
_ASCII_INT = re.compile(r"[0-9]{1,12}")


async def _run(func, *args, **kwargs):
    # SQLAlchemy here is synchronous: run it off the event loop so one slow query does not stall
    # every other request.
    return await asyncio.to_thread(func, *args, **kwargs)


async def _json_object(request: web.Request) -> Dict[str, Any]:
    if request.content_type != "application/json":
        raise ApiError(415, "Le corps de la requête doit être du JSON (Content-Type: application/json).")
    raw = await request.read()  # over client_max_size: aiohttp raises 413, mapped to French
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "Le corps de la requête n'est pas un JSON valide.") from None
    if not isinstance(body, dict):
        raise ApiError(422, "Le corps de la requête doit être un objet JSON.")
    return body


def _reference(request: web.Request) -> str:
    reference = request.match_info["reference"]
    if not re.match(REFERENCE_PATTERN, reference):
        raise ApiError(404, NOT_FOUND)
    return reference


def _int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    # ASCII digits only, and few of them: str.isdigit() also takes "²" and "١٢", which int()
    # refuses or reads, and int() refuses more than 4 300 digits.
    if not _ASCII_INT.fullmatch(raw) or not low <= int(raw) <= high:
        raise ApiError(400, f"Le paramètre « {name} » doit être un entier entre {low} et {high}.")
    return int(raw)


async def health(request: web.Request) -> web.Response:
    try:
        await _run(request.app[STORE_KEY].ping)
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return web.json_response({"status": "indisponible", "error": "Base de données indisponible."}, status=503)
    return web.json_response({"status": "ok"})


async def openapi(request: web.Request) -> web.Response:
    return web.Response(text=OPENAPI_PATH.read_text(encoding="utf-8"), content_type="application/yaml")


async def create_saisine(request: web.Request) -> web.Response:
    require(request, SERVICE)
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise ApiError(400, "L'en-tête Idempotency-Key est obligatoire.")
    body = await _json_object(request)
    if body.setdefault("idempotency_key", key) != key:
        raise ApiError(400, "L'en-tête Idempotency-Key et le champ idempotency_key ne correspondent pas.")
    try:
        saisine = Saisine.parse_obj(body)
    except ValidationError as exc:
        raise ApiError(422, "La saisine contient des erreurs.", french_errors(exc)) from None
    try:
        result, created = await _run(
            request.app[STORE_KEY].create, saisine, consent_text(saisine.consent.text_version, saisine.consent.by)
        )
    except Conflict as exc:
        raise ApiError(409, str(exc)) from None
    return web.json_response(result, status=201 if created else 200)


async def list_saisines(request: web.Request) -> web.Response:
    who = require(request, STAFF)
    status = request.query.get("status")
    if status not in (None, RECEIVED, WITHDRAWN, ERASED):
        raise ApiError(400, f"Le statut doit être {RECEIVED}, {WITHDRAWN} ou {ERASED}.")
    limit = _int_param(request, "limit", 50, 1, MAX_PAGE)
    offset = _int_param(request, "offset", 0, 0, 10**9)
    items = await _run(request.app[STORE_KEY].list, who, status=status, limit=limit, offset=offset)
    return web.json_response({"items": items, "limit": limit, "offset": offset})


async def read_saisine(request: web.Request) -> web.Response:
    who = require(request, STAFF)
    found = await _run(request.app[STORE_KEY].read, _reference(request), who)
    if found is None:
        raise ApiError(404, NOT_FOUND)
    return web.json_response(found)


async def withdraw_saisine(request: web.Request) -> web.Response:
    """The person withdraws consent in the chat: the action server relays it with its token."""
    require(request, SERVICE)
    found = await _run(request.app[STORE_KEY].erase, _reference(request), "service", withdrawn=True)
    if found is None:
        raise ApiError(404, NOT_FOUND)
    return web.json_response(found)


async def erase_saisine(request: web.Request) -> web.Response:
    who = require(request, STAFF)
    found = await _run(request.app[STORE_KEY].erase, _reference(request), who, withdrawn=False)
    if found is None:
        raise ApiError(404, NOT_FOUND)
    return web.json_response(found)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/health", health)
    app.router.add_get("/api/openapi.yml", openapi)
    app.router.add_post("/api/saisines", create_saisine)
    app.router.add_get("/api/saisines", list_saisines)
    app.router.add_get("/api/saisines/{reference}", read_saisine)
    app.router.add_delete("/api/saisines/{reference}", erase_saisine)
    app.router.add_post("/api/saisines/{reference}/withdraw", withdraw_saisine)
