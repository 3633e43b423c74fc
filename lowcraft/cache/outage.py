"""Redis going away: a 503 for each request that needs it, one log line per outage, and recovery
on its own.

Every Redis client Lowcraft opens (`redis_client`) translates connection failures into
`CacheUnavailable` at the boundary, so a request that needs Redis while it is down is answered 503
with `Retry-After` and the usual error body rather than a bare 500 with a traceback. redis-py
reconnects by itself on the next command, so nothing has to be restarted once Redis is back. All
clients of one Redis URL share one `RedisOutage`, which logs when an outage starts and when it
ends: an outage under load used to write a traceback per request (178 for 52 requests).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import redis
from redis.client import Pipeline

from lowcraft.cache.exceptions import CacheUnavailable

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
"""What a refused request's `Retry-After` says: about how long a Redis restart takes."""
SOCKET_TIMEOUT_SECONDS = 5
"""How long a command waits for a Redis that accepted the connection but does not answer."""
PROBE_EVERY_SECONDS = 1.0
"""During an outage, how often a request may try Redis; the others are refused at once. A Redis
that hangs rather than refuses would otherwise hold every request (and worker thread) for
`SOCKET_TIMEOUT_SECONDS`, starving the requests that need no Redis."""

# Failures that mean "Redis is not there" (refused, reset, timed out, still loading its data), not
# a bad command: those stay ordinary errors.
_OUTAGE_ERRORS = (redis.ConnectionError, redis.TimeoutError)


class RedisOutage:
    """Whether one Redis server answers, as seen by every client of its URL."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        # Host and port only: the URL may hold a password.
        self.where = f"{parts.hostname or 'localhost'}:{parts.port or 6379}"
        self.down_since: float | None = None
        self._next_probe = 0.0
        self._lock = threading.Lock()

    def failed(self, error: Exception) -> CacheUnavailable:
        """Note a failure (logged if it starts an outage); returns the error to raise."""
        with self._lock:
            now = time.monotonic()
            self._next_probe = now + PROBE_EVERY_SECONDS
            if self.down_since is None:
                self.down_since = now
                log.error("Redis at %s is unreachable (%s); requests that need it get 503 until it is back",
                          self.where, error)
        return self.unavailable()

    def may_try(self) -> bool:
        """False while down and the next probe is not due; claims the probe when it is."""
        if self.down_since is None:
            return True
        with self._lock:
            now = time.monotonic()
            if self.down_since is None or now >= self._next_probe:
                self._next_probe = now + PROBE_EVERY_SECONDS
                return True
            return False

    @staticmethod
    def unavailable() -> CacheUnavailable:
        return CacheUnavailable(
            "The server cannot reach its session and cache store (Redis) right now. Try again shortly.",
            retry_after=RETRY_AFTER_SECONDS,
        )

    def succeeded(self) -> None:
        """Note an answer (logged if it ends an outage)."""
        if self.down_since is None:  # the common case, without the lock
            return
        with self._lock:
            if self.down_since is not None:
                log.warning("Redis at %s answers again after %.0f s", self.where, time.monotonic() - self.down_since)
                self.down_since = None

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Run Redis commands: a connection failure becomes `CacheUnavailable`."""
        if not self.may_try():
            raise self.unavailable()
        try:
            yield
        except _OUTAGE_ERRORS as error:
            raise self.failed(error) from None
        self.succeeded()


_outages: dict[str, RedisOutage] = {}
_outages_lock = threading.Lock()


def outage_of(url: str) -> RedisOutage:
    """The one `RedisOutage` of a Redis URL, shared by every client of it in this process."""
    with _outages_lock:
        return _outages.setdefault(url, RedisOutage(url))


class _GuardedPipeline(Pipeline):
    outage: RedisOutage

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        with self.outage.guard():
            return super().execute(raise_on_error)


class GuardedRedis(redis.Redis):
    """A Redis client whose commands and pipelines raise `CacheUnavailable` while Redis is away."""

    outage: RedisOutage

    def execute_command(self, *args: Any, **options: Any) -> Any:
        with self.outage.guard():
            return super().execute_command(*args, **options)  # type: ignore[no-untyped-call]

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Pipeline:
        pipe = _GuardedPipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)
        pipe.outage = self.outage
        return pipe


def redis_client(url: str) -> GuardedRedis:
    """A client of `url` answering text, guarded as above."""
    pool = redis.ConnectionPool.from_url(url, decode_responses=True, socket_timeout=SOCKET_TIMEOUT_SECONDS)
    client = GuardedRedis(connection_pool=pool)
    client.outage = outage_of(url)
    return client
