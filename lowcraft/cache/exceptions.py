"""Errors of the shared key-value store."""

from __future__ import annotations

from lowcraft import errors


class CacheUnavailable(errors.ServiceUnavailable):
    """Redis, which holds sessions, rate limits and the store generation, does not answer.

    Every request that needs it gets a 503 with `Retry-After` until it answers again.
    """

    code = "service_unavailable"
