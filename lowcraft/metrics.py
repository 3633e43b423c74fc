"""Prometheus metrics at /metrics: request latency by route, action executions, store pool use.

One registry per process (several uvicorn workers each expose their own). Routes are labelled by
their template (`/api/v1/applications/{application_id}`), never the raw path, so the number of
series stays bounded whatever URLs clients send.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterator, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.pool import QueuePool

from lowcraft.http.errors import error_body
from lowcraft.store.db import Database

METRICS_PATH = "/metrics"
UNMATCHED = "unmatched"

# Shared by every app in the process: the execution service reports here without a handle on the app.
EXECUTIONS = Histogram(
    "lowcraft_action_execution_seconds",
    "Action (query) executions by connector and outcome, with their duration.",
    ["connector", "outcome"],
    registry=None,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class _Children:
    """A histogram's labelled children by label values: `labels()` validates and locks on every
    call, which costs more than the observation on the request path."""

    MAX = 10_000  # label values are bounded by design; this only guards the cache itself

    def __init__(self, histogram: Histogram) -> None:
        self.histogram = histogram
        self._children: dict[tuple[str, ...], Histogram] = {}

    def observe(self, values: tuple[str, ...], seconds: float) -> None:
        child = self._children.get(values)
        if child is None:
            child = self.histogram.labels(*values)
            if len(self._children) < self.MAX:
                self._children[values] = child
        child.observe(seconds)


_executions = _Children(EXECUTIONS)


def observe_execution(connector: str, outcome: str, seconds: float) -> None:
    """Count one action execution; `outcome` is e.g. success, error, timeout."""
    _executions.observe((connector, outcome), seconds)


_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def route_template(scope: MutableMapping[str, Any]) -> str:
    """The matched route's template with the prefixes of the routers it was included through.

    FastAPI puts the innermost route in the scope, whose path lacks those prefixes; the prefix is
    what the request path has in front of that route's part (rebuilt from the path parameters).
    """
    route = scope.get("route")
    own = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(own, str) or not own:
        return UNMATCHED
    params = scope.get("path_params") or {}
    try:
        concrete = _PARAM.sub(lambda m: str(params[m.group(1)]), own)
    except KeyError:
        return own
    path = str(scope.get("path", ""))
    prefix = path[: len(path) - len(concrete)] if path.endswith(concrete) else ""
    return prefix + own


class PoolCollector(Collector):
    """The store's connection pool, read at scrape time."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pool = self.db.engine.pool
        checked_out = GaugeMetricFamily("lowcraft_db_pool_checked_out", "Store connections in use.")
        size = GaugeMetricFamily("lowcraft_db_pool_size", "Store connections the pool keeps open at most (without overflow).")
        overflow = GaugeMetricFamily("lowcraft_db_pool_overflow", "Store connections opened beyond the pool size.")
        if isinstance(pool, QueuePool):
            checked_out.add_metric([], pool.checkedout())
            size.add_metric([], pool.size())
            overflow.add_metric([], max(pool.overflow(), 0))
        yield from (checked_out, size, overflow)


class Metrics:
    """One app's registry: its requests and store pool, plus the process's action executions."""

    def __init__(self, db: Database) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Histogram(
            "lowcraft_http_request_duration_seconds",
            "HTTP requests by route template, method and status class, with their duration.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self._requests = _Children(self.requests)
        self.registry.register(EXECUTIONS)
        self.registry.register(PoolCollector(db))

    def observe_request(self, scope: MutableMapping[str, Any], status: int, seconds: float) -> None:
        """Called by EdgeMiddleware once per HTTP request, after routing filled in the scope."""
        self._requests.observe((route_template(scope), scope.get("method", ""), f"{status // 100}xx"), seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def install(app: FastAPI, db: Database, token: str | None) -> Metrics:
    """Add GET /metrics (a bearer token required when `token` is set); register before catch-all routes."""
    metrics = Metrics(db)
    expected = f"Bearer {token}".encode() if token else None

    @app.get(METRICS_PATH, include_in_schema=False)
    def scrape(request: Request) -> Response:
        if expected is not None:
            given = request.headers.get("authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                return JSONResponse(
                    error_body("not_authenticated", "Send the metrics token as 'Authorization: Bearer <token>'."),
                    status_code=401, headers={"WWW-Authenticate": "Bearer"},
                )
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return metrics
