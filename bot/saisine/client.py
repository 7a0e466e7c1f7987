"""HTTP client of the saisine backend, used by the outbox (one client class per outside system).

    BACKEND_URL            default http://localhost:8000
    BACKEND_SERVICE_TOKEN  default bot.backend.DEV_SERVICE_TOKEN (development only)
"""
from __future__ import annotations

import asyncio
import json
import os
from typing import Any, Dict, Mapping, Optional

import aiohttp

from bot.backend import DEV_SERVICE_TOKEN

DEFAULT_BACKEND_URL = "http://localhost:8000"
DEFAULT_TIMEOUT_SECONDS = 10.0


class BackendError(Exception):
    """A call that did not get a 2xx. status is None when the backend could not be reached."""

    def __init__(self, message: str, status: Optional[int] = None):
        super().__init__(message)
        self.status = status

    @property
    def retryable(self) -> bool:
        # Unreachable, 5xx, timeouts and throttling may pass later; any other 4xx will not.
        return self.status is None or self.status >= 500 or self.status in (408, 425, 429)


class BackendClient:
    def __init__(self, base_url: str = DEFAULT_BACKEND_URL, token: str = DEV_SERVICE_TOKEN,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS):
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS) -> "BackendClient":
        env = os.environ if env is None else env
        return cls(env.get("BACKEND_URL", DEFAULT_BACKEND_URL), env.get("BACKEND_SERVICE_TOKEN", DEV_SERVICE_TOKEN),
                   timeout=timeout)

    async def __aenter__(self) -> "BackendClient":
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def submit(self, payload: Dict[str, Any], idempotency_key: str) -> Dict[str, Any]:
        """POST /api/saisines; returns {reference, status}. Safe to repeat with the same key."""
        return await self._call("POST", "/api/saisines", payload, {"Idempotency-Key": idempotency_key})

    async def withdraw(self, reference: str) -> Dict[str, Any]:
        return await self._call("POST", f"/api/saisines/{reference}/withdraw")

    async def is_healthy(self) -> bool:
        """GET /health answered 200: the backend and its database are up again."""
        try:
            await self._call("GET", "/health")
        except BackendError:
            return False
        return True

    async def _call(self, method: str, path: str, payload: Any = None,
                    headers: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        all_headers = {"Authorization": f"Bearer {self._token}", **(headers or {})}
        try:
            async with self._session.request(method, self.base_url + path, json=payload, headers=all_headers) as resp:
                status, text = resp.status, await resp.text()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise BackendError(f"backend unreachable: {type(exc).__name__}") from exc
        try:
            body = json.loads(text) if text else {}
        except ValueError:
            body = {}  # a proxy's HTML error page: the status still decides
        if not 200 <= status < 300:
            message = body.get("error") if isinstance(body, dict) else None
            raise BackendError(message or f"HTTP {status}", status)
        return body if isinstance(body, dict) else {}
