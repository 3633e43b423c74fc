"""A store-wide generation number: it changes after every committed write.

Hot paths (running a query) cache what they read from the store under the generation they read
it in; any write anywhere makes those entries unreachable. With Redis the number is shared by all
replicas, so a change made through one replica is seen by the caches of all of them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Generic, TypeVar

from lowcraft.cache.store import KeyValueStore

_KEY = "store-generation"
_FOREVER = 10 * 365 * 24 * 3600

V = TypeVar("V")


class Generation:
    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    def current(self) -> str:
        return self.store.get(_KEY) or "0"

    def bump(self) -> None:
        self.store.incr(_KEY, _FOREVER)


class GenerationCache(Generic[V]):
    """A small LRU whose entries are valid for one generation and at most `ttl` seconds.

    The TTL bounds how long time-based rules (session expiry) can go unchecked for a cached entry.
    """

    def __init__(self, size: int, ttl: float) -> None:
        self._items: OrderedDict[tuple[str, ...], tuple[str, float, V]] = OrderedDict()
        self._size, self._ttl = size, ttl
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...], generation: str) -> V | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None or hit[0] != generation or hit[1] < time.monotonic():
                return None
            self._items.move_to_end(key)
            return hit[2]

    def put(self, key: tuple[str, ...], generation: str, value: V) -> None:
        with self._lock:
            self._items[key] = (generation, time.monotonic() + self._ttl, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
