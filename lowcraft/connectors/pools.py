"""Connection pools shared across executions, one per datasource configuration.

A pool is keyed by datasource id and the fingerprint of its connection config: when a datasource's
config changes, the next execution finds a new fingerprint, and the pool built for the old config
is closed. The number of pools is bounded; the least recently used pool is closed to make room.

Database pools also share the process's connection budget (`LOWCRAFT_DATASOURCE_CONNECTIONS`):
each holds as many connections of it as it may open (its pool size, or what is left of the budget
when that is less) for as long as it stays open. A datasource whose pool cannot get a single
connection closes the least recently used pool that no execution is using; when every pool is
busy it waits up to `budget_wait_seconds` and then fails with `ConnectionBudgetExhausted`, which
names the setting. So one process never holds more than the budget towards all its datasources
together, and `workers x replicas x budget` bounds what a deployment opens (deploy/README.md),
instead of PostgreSQL refusing connections with "too many clients" once the fleet has grown.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from lowcraft.connectors.errors import ConnectionBudgetExhausted

log = logging.getLogger(__name__)

P = TypeVar("P")

DEFAULT_MAX_POOLS = 64
DEFAULT_CONNECTION_BUDGET = 40
"""Connections one process may hold open to all its datasources together: the default of
LOWCRAFT_DATASOURCE_CONNECTIONS (config.py), which `create_app` sets on `default_pools`."""
BUDGET_WAIT_SECONDS = 5.0
_BUDGET_POLL_SECONDS = 0.02


@dataclass(slots=True)
class _Entry:
    kind: str
    fingerprint: str
    pool: Any
    close: Callable[[Any], Awaitable[None]]
    loop: asyncio.AbstractEventLoop
    size: int = 0
    """Connections of the budget this pool holds (0 for pools of clients that are not connections)."""
    active: int = 0
    """Executions using the pool now: a pool in use is never closed to make room for another."""


class PoolManager:
    """Owns every pooled connection set; close it on shutdown with `close_all()`."""

    def __init__(
        self,
        max_pools: int = DEFAULT_MAX_POOLS,
        connection_budget: int = DEFAULT_CONNECTION_BUDGET,
        budget_wait_seconds: float = BUDGET_WAIT_SECONDS,
    ) -> None:
        self.max_pools = max_pools
        self.connection_budget = connection_budget
        self.budget_wait_seconds = budget_wait_seconds
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._pending = 0  # budget promised to pools being created

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def connections_held(self) -> int:
        """Connections of the budget held by open pools (and pools being opened)."""
        return self._pending + sum(entry.size for entry in self._entries.values())

    @asynccontextmanager
    async def lease(
        self,
        kind: str,
        key: tuple[str, str],
        size: int,
        create: Callable[[int], Awaitable[P]],
        close: Callable[[P], Awaitable[None]],
    ) -> AsyncIterator[P]:
        """The connection pool for (`datasource_id`, `fingerprint`), in use for the `async with` block.

        A new pool is created with `create(n)`, where `n` (at most `size`) is what it may open:
        the pool must never open more. Raises `ConnectionBudgetExhausted` when the budget stays
        taken by pools in use for `budget_wait_seconds`.
        """
        entry = await self._entry(kind, key, size, create, close)
        entry.active += 1
        try:
            yield entry.pool
        finally:
            entry.active -= 1

    async def get(
        self,
        kind: str,
        key: tuple[str, str],
        create: Callable[[], Awaitable[P]],
        close: Callable[[P], Awaitable[None]],
    ) -> P:
        """The pool for (`datasource_id`, `fingerprint`) of connector `kind`, created on first use.

        For pools of clients that hold no database connections (S3's HTTP clients); connection
        pools go through `lease`, which counts them against the budget.
        """
        entry = await self._entry(kind, key, 0, lambda _: create(), close)
        pool: P = entry.pool
        return pool

    async def _entry(self, kind: str, key: tuple[str, str], size: int,
                     create: Callable[[int], Awaitable[Any]], close: Callable[[Any], Awaitable[None]]) -> _Entry:
        """The live entry of a pool, created (with up to `size` connections of the budget) if needed."""
        slot = (kind, key[0])
        entry = self._current(slot, key[1])
        if entry is not None:
            return entry
        # Set before queueing for the lock: executions of one datasource waiting behind each
        # other for the budget all give up after one wait, not one after another.
        deadline = time.monotonic() + self.budget_wait_seconds
        async with self._locks.setdefault(slot, asyncio.Lock()):
            entry = self._current(slot, key[1])
            if entry is not None:
                return entry
            stale = self._entries.pop(slot, None)
            if stale is not None:
                # The datasource's config changed (or the loop that owned the pool ended).
                await self._close(stale)
            granted = await self._reserve(size, deadline) if size else 0
            try:
                pool = await create(granted)
            finally:
                self._pending -= granted
            entry = self._entries[slot] = _Entry(kind, key[1], pool, close, asyncio.get_running_loop(), granted)
            while len(self._entries) > self.max_pools:
                _, oldest = self._entries.popitem(last=False)
                await self._close(oldest)
            return entry

    def _current(self, slot: tuple[str, str], fingerprint: str) -> _Entry | None:
        entry = self._entries.get(slot)
        if entry is not None and entry.fingerprint == fingerprint and entry.loop is asyncio.get_running_loop():
            self._entries.move_to_end(slot)
            return entry
        return None

    async def _reserve(self, size: int, deadline: float) -> int:
        """Take up to `size` connections of the budget (at least one), waiting for pools to go idle."""
        while True:
            free = self.connection_budget - self.connections_held
            if free < 1 and await self._close_idle_pool():
                continue
            if free >= 1:
                granted = min(size, free)
                self._pending += granted
                return granted
            if time.monotonic() >= deadline:
                raise ConnectionBudgetExhausted(
                    f"All {self.connection_budget} datasource connections this server process may open "
                    f"(LOWCRAFT_DATASOURCE_CONNECTIONS) stayed in use for {self.budget_wait_seconds:g} s.",
                    "Raise LOWCRAFT_DATASOURCE_CONNECTIONS within what the databases accept (see the "
                    "sizing rule in deploy/README.md), lower the pool sizes of busy datasources, or make "
                    "the running queries faster.",
                )
            await asyncio.sleep(_BUDGET_POLL_SECONDS)

    async def _close_idle_pool(self) -> bool:
        """Close the least recently used pool that holds budget and that no execution uses."""
        for slot, entry in self._entries.items():
            if entry.size and not entry.active:
                del self._entries[slot]
                await self._close(entry)
                return True
        return False

    async def discard(self, datasource_id: str) -> None:
        """Close every pool of a datasource (it was deleted or its config replaced)."""
        for slot in [s for s in self._entries if s[1] == datasource_id]:
            await self._close(self._entries.pop(slot))

    async def close_all(self) -> None:
        """Close every pool (server shutdown)."""
        entries = list(self._entries.values())
        self._entries.clear()
        for entry in entries:
            await self._close(entry)

    @staticmethod
    async def _close(entry: _Entry) -> None:
        if entry.loop is not asyncio.get_running_loop():
            # A pool can only be closed on the loop that owns it: hand the close over when that
            # loop still runs; a stopped loop's connections are gone with it.
            if entry.loop.is_running():
                asyncio.run_coroutine_threadsafe(_awaited(entry.close(entry.pool)), entry.loop)
            return
        try:
            await entry.close(entry.pool)
        except Exception:  # closing must never break the execution that triggered it
            log.warning("closing a %s pool failed", entry.kind, exc_info=True)


async def _awaited(awaitable: Awaitable[None]) -> None:
    await awaitable


default_pools = PoolManager()
"""The process-wide pool manager the server uses; tests make their own."""
