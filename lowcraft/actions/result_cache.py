"""Cached results of actions that opt in (`cacheSeconds` in an action's settings).

A result is kept for the action's `cacheSeconds` under a key made of the action, the mode (edit or
published), the environment, the bound parameter values, and a digest of everything that decides
the result: the query config, the settings and the datasource's connection config. Changing the
action or its datasource changes the digest, so the next run misses and what was cached before
is never served again (it expires on its own). Only successful results are kept.

The store is the instance's cache (`Runtime.cache`): Redis when `LOWCRAFT_REDIS_URL` is set, so
every replica serves what any of them cached; otherwise the process's memory. A cache that cannot
be reached only costs the saving: the action runs as if nothing was cached.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from typing import Any

from lowcraft import jsontext
from lowcraft.cache import KeyValueStore

log = logging.getLogger(__name__)

PREFIX = "action-result:"


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def version_digest(query_config: Mapping[str, Any], settings: Mapping[str, Any], datasource_id: str,
                   connection_config: Mapping[str, Any]) -> str:
    """What a cached result depends on besides its parameters (secrets only enter a hash)."""
    return hashlib.sha256(_canonical([query_config, settings, datasource_id, connection_config])).hexdigest()


def cache_key(action_id: str, mode: str, environment: str, version: str, params: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(_canonical([action_id, mode, environment, version, params])).hexdigest()
    return f"{PREFIX}{action_id}:{digest}"


def read(store: KeyValueStore, key: str) -> dict[str, Any] | None:
    try:
        text = store.get(key)
    except Exception:  # an unreachable cache only costs the saving
        log.warning("the action result cache could not be read", exc_info=True)
        return None
    if text is None:
        return None
    try:
        result = json.loads(text)
    except ValueError:
        return None
    return result if isinstance(result, dict) else None


def write(store: KeyValueStore, key: str, result: Mapping[str, Any], ttl_seconds: int) -> None:
    try:
        store.set(key, jsontext.dumps(result).decode(), ttl_seconds)
    except Exception:  # see read
        log.warning("the action result cache could not be written", exc_info=True)
