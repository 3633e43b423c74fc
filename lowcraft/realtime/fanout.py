"""Replicas: document and awareness updates travel between server processes through Redis pub/sub.

Each replica with a room for an application subscribes to `lowcraft:rt:app:<applicationId>`.
A message is the sending replica's id (32 hex characters), then a y-protocols frame: an update or
awareness from one of its clients, or a sync step 1 from a replica opening its room, which every
peer answers with a sync step 2 (its whole state the opener lacks) and its clients' awareness.
Nobody keeps the document in Redis (docs/realtime.md says why). `lowcraft:rt:notices` carries the
service notices (`lowcraft.cache.notices`). Folding into the store takes `lowcraft:rt:fold:<id>`
(SET NX with a 30 s expiry) so one replica writes at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import redis
import redis.asyncio as aioredis

from lowcraft.cache.notices import NOTICES_CHANNEL

log = logging.getLogger("lowcraft.realtime")
APP_CHANNEL = "lowcraft:rt:app:"
FOLD_LOCK = "lowcraft:rt:fold:"
FOLD_LOCK_MS = 30_000
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class Fanout:
    def __init__(
        self, url: str, replica: str, on_update: Callable[[str, bytes], None], on_notice: Callable[[dict[str, Any]], None]
    ) -> None:
        self.url = url
        self.replica = replica
        self._tag = replica.encode()
        self.client = aioredis.Redis.from_url(url)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.sync_client = redis.Redis.from_url(url, socket_timeout=5)
        self.on_update = on_update
        self.on_notice = on_notice
        self.outbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(10_000)
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        await self.pubsub.subscribe(NOTICES_CHANNEL)
        self.tasks = [asyncio.create_task(self._read()), asyncio.create_task(self._write())]

    async def join(self, application_id: str, step1: bytes) -> None:
        """Follow an application's channel, and ask the peers for their state."""
        await self.pubsub.subscribe(APP_CHANNEL + application_id)
        self.publish(application_id, step1)

    async def leave(self, application_id: str) -> None:
        await self.pubsub.unsubscribe(APP_CHANNEL + application_id)

    def publish(self, application_id: str, message: bytes) -> None:
        try:
            self.outbox.put_nowait((APP_CHANNEL + application_id, self._tag + message))
        except asyncio.QueueFull:
            log.warning("real-time fan-out queue full: an update to application %s stays on this replica", application_id)

    async def _write(self) -> None:
        # One writer keeps this replica's messages in order.
        while True:
            channel, data = await self.outbox.get()
            try:
                await self.client.publish(channel, data)
            except redis.RedisError as exc:
                log.warning("real-time fan-out through Redis failed: %s", exc)

    async def _read(self) -> None:
        while True:
            try:
                message = await self.pubsub.get_message(timeout=1.0)
            except redis.RedisError as exc:
                log.warning("real-time fan-out lost Redis: %s", exc)
                await asyncio.sleep(1.0)
                continue
            if message is None or message.get("type") != "message":
                continue
            channel = message["channel"].decode()
            data: bytes = message["data"]
            if channel == NOTICES_CHANNEL:
                notice = json.loads(data)
                if notice.get("replica") != self.replica:
                    self.on_notice(notice)
            elif channel.startswith(APP_CHANNEL) and len(data) > len(self._tag) and not data.startswith(self._tag):
                self.on_update(channel[len(APP_CHANNEL):], data[len(self._tag):])

    @contextlib.contextmanager
    def lock(self, application_id: str) -> Iterator[bool]:
        """Hold the app's fold lock (from a worker thread); yields False when a peer holds it."""
        key = FOLD_LOCK + application_id
        acquired = bool(self.sync_client.set(key, self.replica, nx=True, px=FOLD_LOCK_MS))
        try:
            yield acquired
        finally:
            if acquired:
                self.sync_client.eval(_RELEASE, 1, key, self.replica)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            await self.pubsub.aclose()
            await self.client.aclose()
        self.sync_client.close()
