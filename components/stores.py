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

from typing import Optional, Text
from urllib.parse import unquote, urlsplit

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
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


class EnvironmentLockStore(LockStore):
    """Delegates to the in-memory or the Redis lock store named by the endpoint's url."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        self.store = lock_store_for_url(endpoint_config.url if endpoint_config else None)

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self.store.get_lock(conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        self.store.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self.store.save_lock(lock)
