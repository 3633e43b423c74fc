"""Shared short-lived state (rate-limit counters, cached lookups): in-process or Redis.

With several replicas the state must be shared, so `LOWCRAFT_REDIS_URL` selects Redis; a single
process keeps it in memory.
"""

from lowcraft.cache.store import KeyValueStore, MemoryStore, RedisStore, open_store

__all__ = ["KeyValueStore", "MemoryStore", "RedisStore", "open_store"]
