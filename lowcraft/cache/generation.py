"""A store-wide generation number: it changes after every committed write.

Hot paths (running a query) cache what they read from the store under the generation they read
it in; any write anywhere makes those entries unreachable. With Redis the number is shared by all
replicas, so a change made through one replica is seen by the caches of all of them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Generic, TypeVar

from lowcraft.cache.errors import CacheUnavailable
from lowcraft.cache.store import KeyValueStore, RedisStore

log = logging.getLogger(__name__)

_KEY = "store-generation"
_FOREVER = 10 * 365 * 24 * 3600

V = TypeVar("V")


class Generation:
    """The generation kept in the instance's store (in-process: reading it is a dict lookup)."""

    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    def current(self) -> str:
        return self.store.get(_KEY) or "0"

    def bump(self) -> None:
        self.store.incr(_KEY, _FOREVER)

    def close(self) -> None:
        """Stop whatever follows the generation in the background (nothing here)."""


class SharedGeneration(Generation):
    """The generation in Redis, shared by all replicas, followed locally through pub/sub.

    Every execution reads the generation, and a Redis round trip on the event loop for each one
    cost more than a third of a replica's throughput. So each replica subscribes to the channel a
    bump announces itself on and keeps the latest value in memory. Whenever it cannot be sure it
    is following - before the subscription is up, after a connection error, if the key prefix
    changed - it reads Redis as before. The subscription's connection is health-checked, so a
    connection that silently went away is noticed within `HEALTH_CHECK_SECONDS`.
    """

    HEALTH_CHECK_SECONDS = 5

    def __init__(self, store: RedisStore) -> None:
        super().__init__(store)
        self.redis_store = store
        self._value: int | None = None  # None: not following; read Redis
        self._followed_prefix = ""
        self._missed_bump = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def current(self) -> str:
        if self._missed_bump:
            self._publish_bump()  # CacheUnavailable while Redis is still away
        value = self._value
        if value is not None and self._followed_prefix == self.redis_store.prefix:
            return str(value)
        if self._thread is None:
            self._start()
        return super().current()

    def bump(self) -> None:
        try:
            self._publish_bump()
        except CacheUnavailable:
            # The write is committed: failing its request would invite the client to repeat a
            # done write. Until the bump reaches Redis, `current` refuses to name a generation,
            # so no cached entry from before the write is served.
            self._missed_bump = True

    def _publish_bump(self) -> None:
        value = self.redis_store.incr(_KEY, _FOREVER)
        self.redis_store.client.publish(self.redis_store.prefix + _KEY, str(value))
        self._missed_bump = False
        self._advance(value)  # this replica sees its own write at once

    def close(self) -> None:
        # Not joined: the follower notices within a second and closes its own connection.
        self._stop.set()

    def _advance(self, value: int) -> None:
        with self._lock:
            if self._value is not None and value > self._value:
                self._value = value

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._follow, name="lowcraft-generation", daemon=True)
                self._thread.start()

    def _follow(self) -> None:
        # Only a RedisStore leads here, and it has imported redis (deferred: see redis_client).
        import redis

        client = self.redis_store.client
        # A client of its own: its health checks must not slow the store's commands.
        subscriber = redis.Redis(
            connection_pool=redis.ConnectionPool(
                **{**client.connection_pool.connection_kwargs,
                   "health_check_interval": self.HEALTH_CHECK_SECONDS, "socket_timeout": None}
            )
        )
        while not self._stop.is_set():
            prefix = self.redis_store.prefix
            pubsub = subscriber.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(prefix + _KEY)
                # Subscribed first, read second: a bump after the read arrives as a message.
                stored = client.get(prefix + _KEY)
                with self._lock:
                    self._value = int(stored) if stored else 0
                    self._followed_prefix = prefix
                while not self._stop.is_set() and prefix == self.redis_store.prefix:
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None and message["type"] == "message":
                        self._advance(int(message["data"]))
            except CacheUnavailable:
                self._stop.wait(1.0)  # the outage is logged once, by the store client's RedisOutage
            except (redis.ConnectionError, redis.TimeoutError):
                # A lost subscription alone is no outage (Redis kills idle or listed clients): the
                # store's guarded client decides, and while it answers, resubscribe at once.
                try:
                    client.ping()
                except CacheUnavailable:
                    self._stop.wait(1.0)
            except (redis.RedisError, ValueError):
                log.warning("lost the store generation subscription; reading Redis until it is back")
                self._stop.wait(1.0)
            finally:
                self._value = None
                pubsub.close()
        subscriber.close()


def open_generation(store: KeyValueStore) -> Generation:
    return SharedGeneration(store) if isinstance(store, RedisStore) else Generation(store)


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
