"""The in-process store and the Redis store behave the same: every test runs on both."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator

import pytest

from lowcraft.cache import KeyValueStore, MemoryStore, RedisStore, open_store
from tests.servers import REDIS_URL, require_redis


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[KeyValueStore]:
    if request.param == "memory":
        yield MemoryStore()
        return
    require_redis()
    # A random prefix keeps concurrent test runs on the shared server apart.
    redis_store = RedisStore(REDIS_URL, prefix=f"lowcraft-test-{secrets.token_hex(6)}:")
    try:
        yield redis_store
    finally:
        for key in redis_store.client.scan_iter(match=redis_store.prefix + "*"):
            redis_store.client.delete(key)
        redis_store.client.close()


def test_a_value_can_be_set_read_replaced_and_deleted(store: KeyValueStore) -> None:
    assert store.get("greeting") is None
    store.set("greeting", "hello", 60)
    assert store.get("greeting") == "hello"
    store.set("greeting", "hej", 60)
    assert store.get("greeting") == "hej"
    store.delete("greeting")
    assert store.get("greeting") is None
    store.delete("greeting")  # deleting what is not there is harmless


def test_values_are_text_and_kept_exactly(store: KeyValueStore) -> None:
    for value in ("", "0", " spaced ", "ünïcødé ✓", '{"json": [1, 2]}', "x" * 10_000):
        store.set("value", value, 60)
        assert store.get("value") == value


def test_keys_are_independent(store: KeyValueStore) -> None:
    store.set("a", "1", 60)
    store.set("a:b", "2", 60)
    store.delete("a")
    assert (store.get("a"), store.get("a:b")) == (None, "2")


def test_ttl_reports_the_seconds_left_and_zero_for_missing_keys(store: KeyValueStore) -> None:
    assert store.ttl("missing") == 0
    store.set("short", "x", 30)
    assert 29 <= store.ttl("short") <= 30
    store.set("short", "x", 300)
    assert 299 <= store.ttl("short") <= 300, "setting again sets a new time to live"


def test_values_vanish_when_their_time_is_up(store: KeyValueStore) -> None:
    store.set("fleeting", "x", 1)
    store.incr("counter", 1)
    deadline = time.monotonic() + 3
    while (store.get("fleeting") is not None or store.get("counter") is not None) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (store.get("fleeting"), store.get("counter"), store.ttl("fleeting")) == (None, None, 0)
    assert store.incr("counter", 60) == 1, "an expired counter starts again"


def test_a_counter_starts_at_one_and_keeps_its_first_expiry(store: KeyValueStore) -> None:
    assert [store.incr("failures", 60) for _ in range(3)] == [1, 2, 3]
    assert store.get("failures") == "3"
    store.incr("failures", 3600)
    assert store.ttl("failures") <= 60, "later increments do not extend the window"


def test_counters_count_every_increment_from_many_threads(store: KeyValueStore) -> None:
    def hammer() -> None:
        for _ in range(50):
            store.incr("hits", 60)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.get("hits") == "400"


def test_ping_answers_when_the_store_is_up(store: KeyValueStore) -> None:
    store.ping()


def test_the_configuration_picks_the_store() -> None:
    assert isinstance(open_store(None), MemoryStore)
    assert isinstance(open_store("redis://127.0.0.1:6379/0"), RedisStore)  # connects lazily


def test_redis_stores_with_different_prefixes_do_not_see_each_other() -> None:
    require_redis()
    one = RedisStore(REDIS_URL, prefix=f"lowcraft-test-{secrets.token_hex(6)}:")
    two = RedisStore(REDIS_URL, prefix=f"lowcraft-test-{secrets.token_hex(6)}:")
    try:
        one.set("shared-name", "one", 60)
        assert two.get("shared-name") is None
        assert two.incr("shared-name", 60) == 1
        assert one.get("shared-name") == "one"
    finally:
        one.delete("shared-name")
        two.delete("shared-name")
