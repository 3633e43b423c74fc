"""The store generation: every committed write changes it, on this replica and on every other.

Two `SharedGeneration`s on one Redis stand for two replicas. Caches key entries by the
generation they were read in, so what matters is that a bump anywhere is seen everywhere, at
once on the replica that wrote and within moments elsewhere, and that a replica that cannot
follow the announcements reads Redis instead of trusting an old value.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator

import pytest

from lowcraft.cache import MemoryStore, RedisStore
from lowcraft.cache.generation import Generation, SharedGeneration, open_generation
from tests.servers import REDIS_URL, require_redis


def eventually(condition: Callable[[], bool], seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def replicas() -> Iterator[tuple[SharedGeneration, SharedGeneration]]:
    require_redis()
    prefix = f"lowcraft-test-{secrets.token_hex(6)}:"
    stores = [RedisStore(REDIS_URL, prefix=prefix) for _ in range(2)]
    generations = [SharedGeneration(store) for store in stores]
    try:
        yield generations[0], generations[1]
    finally:
        for generation in generations:
            generation.close()
        for key in stores[0].client.scan_iter(match=prefix + "*"):
            stores[0].client.delete(key)
        for store in stores:
            store.client.close()


def following(generation: SharedGeneration) -> bool:
    generation.current()  # starts following on first use
    return generation._value is not None


def test_an_in_process_store_has_a_plain_generation() -> None:
    generation = open_generation(MemoryStore())
    assert type(generation) is Generation
    before = generation.current()
    generation.bump()
    assert generation.current() != before


def test_a_bump_is_seen_at_once_where_it_was_made_and_soon_on_other_replicas(
    replicas: tuple[SharedGeneration, SharedGeneration],
) -> None:
    a, b = replicas
    assert eventually(lambda: following(a) and following(b))
    before = b.current()
    a.bump()
    assert a.current() != before
    assert eventually(lambda: b.current() == a.current())
    b.bump()
    b.bump()
    assert eventually(lambda: a.current() == b.current() == str(int(before) + 3))


def test_a_replica_reads_redis_while_it_cannot_follow_and_follows_again(
    replicas: tuple[SharedGeneration, SharedGeneration],
) -> None:
    a, b = replicas
    assert eventually(lambda: following(a) and following(b))
    # Cut every subscriber's connection: until b has subscribed again it must not trust its copy.
    a.redis_store.client.client_kill_filter(_type="pubsub")
    a.bump()
    assert eventually(lambda: b.current() == a.current())
    assert eventually(lambda: following(b))
    a.bump()
    assert eventually(lambda: b.current() == a.current())


def test_a_changed_key_prefix_is_never_answered_from_the_old_one(
    replicas: tuple[SharedGeneration, SharedGeneration],
) -> None:
    a, _ = replicas
    assert eventually(lambda: following(a))
    a.bump()
    a.redis_store.prefix = f"lowcraft-test-{secrets.token_hex(6)}:"
    assert a.current() == "0"
    a.redis_store.client.delete(a.redis_store.prefix + "store-generation")
