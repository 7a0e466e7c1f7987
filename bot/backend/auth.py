"""Two credentials, two roles: the action server (service) writes, MAS staff read and erase.

Both are bearer tokens from the environment (see bot.backend.BackendConfig), compared in
constant time so response timing does not leak how much of a guess was right.
"""
from __future__ import annotations

import hmac
import re
from typing import Optional

from aiohttp import web

from bot.backend import CONFIG_KEY
from bot.backend.middlewares import ApiError

SERVICE, STAFF = "service", "staff"
_STAFF_ID = re.compile(r"^[A-Za-z0-9._-]{1,40}$")


def _same(given: str, expected: str) -> bool:
    # Bytes: compare_digest refuses non-ASCII str, and a header may carry anything.
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _bearer(request: web.Request) -> Optional[str]:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def role_of(request: web.Request) -> Optional[str]:
    token = _bearer(request)
    if token is None:
        return None
    config = request.app[CONFIG_KEY]
    # Both comparisons always run: which one matched must not show in the timing.
    is_service = _same(token, config.service_token)
    is_staff = _same(token, config.staff_token)
    return SERVICE if is_service else STAFF if is_staff else None


def require(request: web.Request, role: str) -> str:
    """The caller's name for the audit log; 401 without a valid token, 403 with the other role's."""
    found = role_of(request)
    if found is None:
        raise ApiError(401, "Authentification requise : jeton absent ou invalide.")
    if found != role:
        raise ApiError(403, "Ce jeton ne donne pas accès à cette opération.")
    if role == STAFF:
        # Staff share one token; an optional X-Staff-Id names the person in the audit log.
        staff_id = request.headers.get("X-Staff-Id", "")
        return f"staff:{staff_id}" if _STAFF_ID.match(staff_id) else STAFF
    return SERVICE
