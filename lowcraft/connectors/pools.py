"""Connection pools shared across executions, one per datasource configuration.

A pool is keyed by datasource id and the fingerprint of its connection config: when a datasource's
config changes, the next execution finds a new fingerprint, and the pool built for the old config
is closed. The number of pools is bounded; the least recently used pool is closed to make room.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)

P = TypeVar("P")

DEFAULT_MAX_POOLS = 64


@dataclass(slots=True)
class _Entry:
    kind: str
    fingerprint: str
    pool: Any
    close: Callable[[Any], Awaitable[None]]
    loop: asyncio.AbstractEventLoop


class PoolManager:
    """Owns every pooled connection set; close it on shutdown with `close_all()`."""

    def __init__(self, max_pools: int = DEFAULT_MAX_POOLS) -> None:
        self.max_pools = max_pools
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get(
        self,
        kind: str,
        key: tuple[str, str],
        create: Callable[[], Awaitable[P]],
        close: Callable[[P], Awaitable[None]],
    ) -> P:
        """The pool for (`datasource_id`, `fingerprint`) of connector `kind`, created on first use."""
        datasource_id, fp = key
        slot = (kind, datasource_id)
        loop = asyncio.get_running_loop()
        entry = self._entries.get(slot)
        if entry is not None and entry.fingerprint == fp and entry.loop is loop:
            self._entries.move_to_end(slot)
            pool: P = entry.pool
            return pool
        lock = self._locks.setdefault(slot, asyncio.Lock())
        async with lock:
            entry = self._entries.get(slot)
            if entry is not None and entry.fingerprint == fp and entry.loop is loop:
                return entry.pool  # type: ignore[no-any-return]
            if entry is not None:
                # The datasource's config changed (or the loop that owned the pool ended).
                del self._entries[slot]
                await self._close(entry)
            pool = await create()
            self._entries[slot] = _Entry(kind, fp, pool, close, loop)
            while len(self._entries) > self.max_pools:
                _, oldest = self._entries.popitem(last=False)
                await self._close(oldest)
            return pool

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
