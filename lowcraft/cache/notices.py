"""Notices about applications for the real-time layer: "the edit state changed", "published".

Services cannot call the real-time layer (it sits above them), and a change made through the REST
API on one replica must reach the editors connected to another. So a service hands a notice to
`Notices.after_commit`; once its transaction commits, the notice goes to this process's listeners
(the real-time hub, once loaded) and, with `LOWCRAFT_REDIS_URL`, to the Redis channel
`lowcraft:rt:notices`, where every other replica's hub reads it. A notice carries the replica that
sent it, so a hub skips its own notices arriving back from Redis.

Delivery is best effort: a Redis outage loses notices (logged), never fails a request that has
already committed.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from lowcraft.store.db import after_commit

log = logging.getLogger("lowcraft.realtime")
NOTICES_CHANNEL = "lowcraft:rt:notices"

Notice = dict[str, Any]
"""`{"kind": "edit", "applicationId", "reason", "origin"}` or `{"kind": "published", "applicationId", "publishedAt"}`."""


class Notices:
    def __init__(self, redis_url: str | None) -> None:
        self.redis_url = redis_url
        self.replica = uuid.uuid4().hex
        self._listeners: list[Callable[[Notice], None]] = []
        self._client: Any = None
        self._lock = threading.Lock()

    def listen(self, listener: Callable[[Notice], None]) -> None:
        """Call `listener` (from any thread) with every notice committed in this process."""
        self._listeners.append(listener)

    def after_commit(self, db: Session, notice: Notice) -> None:
        """Deliver `notice` when `db`'s transaction commits; nothing if it rolls back."""
        after_commit(db, lambda: self.deliver(notice))

    def deliver(self, notice: Notice) -> None:
        for listener in list(self._listeners):
            try:
                listener(notice)
            except Exception:
                log.exception("a real-time notice listener failed")
        if self.redis_url:
            try:
                self._redis().publish(NOTICES_CHANNEL, json.dumps({**notice, "replica": self.replica}))
            except Exception as exc:  # noqa: BLE001 - an outage loses the notice; the request has committed
                log.warning("could not send a real-time notice through Redis: %s", exc)

    def _redis(self) -> Any:
        with self._lock:
            if self._client is None:
                from lowcraft.cache.outage import redis_client

                self._client = redis_client(self.redis_url or "")
            return self._client
