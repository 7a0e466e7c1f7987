"""The lock store chosen by the environment, so one endpoints.yml serves every deployment.

    lock_store:
      type: components.stores.EnvironmentLockStore
      url: ${LOCK_STORE_URL}

LOCK_STORE_URL = memory://                     one Rasa process (the embedded default)
                 redis://[:password@]host:port/db   several Rasa processes sharing conversations
                 rediss://…                    the same over TLS

Rasa's own `type: redis` needs host, port, db and password as separate keys, and endpoints.yml
cannot leave them empty when Redis is not used; one URL keeps the switch to a single variable.
"""
from __future__ import annotations

from contextlib import nullcontext
from typing import Any, ContextManager, Optional, Text
from urllib.parse import unquote, urlsplit

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Keys of this assistant in a Redis shared with other services.
KEY_PREFIX = "assistantcpam"  # Rasa accepts letters and digits only


def lock_store_for_url(url: Optional[str]) -> LockStore:
    parts = urlsplit((url or "memory://").strip())
    if parts.scheme in ("", "memory"):
        return InMemoryLockStore()
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"LOCK_STORE_URL must start with memory://, redis:// or rediss://, not {parts.scheme}://")
    database = parts.path.strip("/")
    return RedisLockStore(
        host=parts.hostname or "localhost",
        port=parts.port or 6379,
        db=int(database) if database else 0,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_ssl=parts.scheme == "rediss",
        key_prefix=KEY_PREFIX,
    )


# Longest a read-change-write of one conversation's ticket lock may hold its Redis mutex.
MUTEX_SECONDS = 10


class EnvironmentLockStore(LockStore):
    """Delegates to the in-memory or the Redis lock store named by the endpoint's url.

    With Redis, each read-change-write of a conversation's ticket lock (issue a ticket, drop
    expired ones, finish serving) runs under a short Redis mutex. Rasa's RedisLockStore does them
    as separate get and set: two servers receiving a new conversation's first two messages at the
    same instant both created the lock, both got ticket 0, handled the messages together, and one
    turn vanished from the tracker (found by tests/scale/test_scaled_stack.py). In memory, one
    process's event loop already makes them atomic.
    """

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        self.store = lock_store_for_url(endpoint_config.url if endpoint_config else None)

    def _atomic(self, conversation_id: Text) -> ContextManager[Any]:
        if isinstance(self.store, RedisLockStore):
            return self.store.red.lock(f"{KEY_PREFIX}:mutex:{conversation_id}", timeout=MUTEX_SECONDS,
                                       blocking_timeout=MUTEX_SECONDS)
        return nullcontext()

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._atomic(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._atomic(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._atomic(conversation_id):
            super().cleanup(conversation_id, ticket_number)

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self.store.get_lock(conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        self.store.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self.store.save_lock(lock)
