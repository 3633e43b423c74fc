"""Key-value stores with expiry: the in-process default and Redis."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from lowcraft.cache.outage import GuardedRedis


class KeyValueStore(Protocol):
    """The few operations Lowcraft needs from a cache; every key has a time to live."""

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl_seconds: int) -> None: ...
    def delete(self, key: str) -> None: ...
    def incr(self, key: str, ttl_seconds: int) -> int:
        """Add one to a counter, creating it with the TTL if new; returns the new count."""
        ...
    def ttl(self, key: str) -> int:
        """Seconds until `key` expires; 0 when it does not exist."""
        ...
    def ping(self) -> None: ...


class MemoryStore:
    """A process-local store; correct for one server process only."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> tuple[str, float] | None:
        item = self._data.get(key)
        if item is not None and item[1] <= now:
            del self._data[key]
            return None
        return item

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._live(key, time.monotonic())
            return item[0] if item else None

    def set(self, key: str, value: str, ttl_seconds: int) -> None:
        with self._lock:
            self._data[key] = (value, time.monotonic() + ttl_seconds)
            if len(self._data) > 100_000:
                self._evict_expired()

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def incr(self, key: str, ttl_seconds: int) -> int:
        with self._lock:
            now = time.monotonic()
            item = self._live(key, now)
            count = int(item[0]) + 1 if item else 1
            expires = item[1] if item else now + ttl_seconds
            self._data[key] = (str(count), expires)
            return count

    def ttl(self, key: str) -> int:
        with self._lock:
            now = time.monotonic()
            item = self._live(key, now)
            return max(1, int(item[1] - now + 0.999)) if item else 0

    def ping(self) -> None:
        return None

    def _evict_expired(self) -> None:
        now = time.monotonic()
        for key in [k for k, (_, exp) in self._data.items() if exp <= now]:
            del self._data[key]


def redis_client(url: str) -> GuardedRedis:
    """A client of `LOWCRAFT_REDIS_URL` for the store and the sessions, answering 503 while Redis is
    away (`lowcraft.cache.outage`).

    The redis package is imported here, when an instance has Redis: importing it cost 40 ms and
    7 MB of every start of the embedded default, which never uses it (bench/startup.py).
    """
    from lowcraft.cache import outage  # deferred optional dependency, see above

    return outage.redis_client(url)


class RedisStore:
    """A store shared by every replica through Redis; raises `CacheUnavailable` while it is away."""

    def __init__(self, url: str, prefix: str = "lowcraft:") -> None:
        self.client: GuardedRedis = redis_client(url)
        self.prefix = prefix

    def get(self, key: str) -> str | None:
        value = self.client.get(self.prefix + key)
        return value if isinstance(value, str) else None

    def set(self, key: str, value: str, ttl_seconds: int) -> None:
        self.client.set(self.prefix + key, value, ex=ttl_seconds)

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def incr(self, key: str, ttl_seconds: int) -> int:
        pipe = self.client.pipeline()
        pipe.incr(self.prefix + key)
        pipe.expire(self.prefix + key, ttl_seconds, nx=True)
        count, _ = pipe.execute()
        return int(count)

    def ttl(self, key: str) -> int:
        remaining = int(self.client.ttl(self.prefix + key))
        return max(remaining, 0)

    def ping(self) -> None:
        self.client.ping()


def open_store(redis_url: str | None) -> KeyValueStore:
    return RedisStore(redis_url) if redis_url else MemoryStore()
