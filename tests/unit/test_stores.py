"""LOCK_STORE_URL picks the lock store: memory for one Rasa process, Redis for several."""
import pytest
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from components.stores import KEY_PREFIX, EnvironmentLockStore, lock_store_for_url


@pytest.mark.parametrize("url", [None, "", "memory://"])
def test_without_redis_the_locks_are_in_memory(url):
    assert isinstance(lock_store_for_url(url), InMemoryLockStore)


def test_a_redis_url_gives_rasa_its_redis_lock_store_with_every_part():
    store = lock_store_for_url("rediss://assistant:s%40cret@redis.cpam.local:6380/3")
    assert isinstance(store, RedisLockStore)
    kwargs = store.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("redis.cpam.local", 6380, 3)
    assert (kwargs["username"], kwargs["password"]) == ("assistant", "s@cret")
    assert store.key_prefix == f"{KEY_PREFIX}:lock:"


def test_an_unknown_scheme_is_refused_at_start():
    with pytest.raises(ValueError, match="LOCK_STORE_URL"):
        lock_store_for_url("postgresql://db/rasa")


def test_rasa_builds_it_from_endpoints_yml(monkeypatch):
    from rasa.core.lock_store import LockStore

    store = LockStore.create(EndpointConfig(url="memory://", type="components.stores.EnvironmentLockStore"))
    assert isinstance(store, EnvironmentLockStore) and isinstance(store.store, InMemoryLockStore)
    ticket = store.issue_ticket("conversation-1")
    assert store.get_lock("conversation-1").is_someone_waiting() and ticket == 0
