"""Prometheus metrics at /metrics: request latency by route, action executions, store pool use.

One registry per process (several uvicorn workers each expose their own). Routes are labelled by
their template (`/api/v1/applications/{application_id}`), never the raw path, so the number of
series stays bounded whatever URLs clients send.
"""

from __future__ import annotations

import bisect
import hmac
import re
import threading
from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from lowcraft.http.errors import error_body
from lowcraft.store.db import Database

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry
    from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily

METRICS_PATH = "/metrics"
UNMATCHED = "unmatched"

DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)


class LatencyHistogram:
    """A Prometheus histogram kept as plain bucket counts per label values.

    prometheus_client is loaded only when someone scrapes: importing it and building its objects
    cost every start ~25 ms and 3 MB, and its `labels()` validates and locks on every call, which
    cost more than the observation on the request path. The exposition is the same histogram
    (`_bucket`, `_count`, `_sum`), built at scrape time.
    """

    MAX_SERIES = 10_000  # label values are bounded by design; this only guards memory

    def __init__(self, name: str, documentation: str, labels: tuple[str, ...],
                 buckets: tuple[float, ...] = DEFAULT_BUCKETS) -> None:
        self.name, self.documentation, self.labels, self.buckets = name, documentation, labels, buckets
        self._series: dict[tuple[str, ...], list[float]] = {}  # per bucket, then +Inf, then the sum
        self._lock = threading.Lock()

    def observe(self, values: tuple[str, ...], seconds: float) -> None:
        slot = bisect.bisect_left(self.buckets, seconds)
        with self._lock:
            series = self._series.get(values)
            if series is None:
                if len(self._series) >= self.MAX_SERIES:
                    return
                series = self._series[values] = [0.0] * (len(self.buckets) + 2)
            series[slot] += 1
            series[-1] += seconds

    def family(self) -> HistogramMetricFamily:
        from prometheus_client.core import HistogramMetricFamily

        family = HistogramMetricFamily(self.name, self.documentation, labels=list(self.labels))
        with self._lock:
            snapshot = [(values, list(series)) for values, series in self._series.items()]
        bounds = [*(repr(float(b)) for b in self.buckets), "+Inf"]
        for values, series in snapshot:
            cumulative, running = [], 0.0
            for bound, count in zip(bounds, series[:-1], strict=True):
                running += count
                cumulative.append((bound, running))
            family.add_metric(list(values), cumulative, sum_value=series[-1])
        return family


# Shared by every app in the process: the execution service reports here without a handle on the app.
EXECUTIONS = LatencyHistogram(
    "lowcraft_action_execution_seconds",
    "Action (query) executions by connector and outcome, with their duration.",
    ("connector", "outcome"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class EventCounter:
    """Counts of events by one label, for this process (`lowcraft_workflow_runs_total{event}`)."""

    def __init__(self, name: str, documentation: str, label: str) -> None:
        self.name, self.documentation, self.label = name, documentation, label
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def count(self, value: str) -> None:
        with self._lock:
            self._counts[value] = self._counts.get(value, 0) + 1

    def family(self) -> Any:
        from prometheus_client.core import CounterMetricFamily

        family = CounterMetricFamily(self.name, self.documentation, labels=[self.label])
        with self._lock:
            for value, count in sorted(self._counts.items()):
                family.add_metric([value], count)
        return family


WORKFLOW_RUNS = EventCounter(
    "lowcraft_workflow_runs", "Workflow runs this process started and finished, by event "
    "(started, succeeded, failed, cancelled).", "event",
)


def count_workflow_run(event: str) -> None:
    WORKFLOW_RUNS.count(event)


def workflow_queue_families(db: Database) -> Iterator[GaugeMetricFamily]:
    """Unfinished workflow runs of the whole instance by status (queued: the queue's depth), read at scrape time."""
    from prometheus_client.core import GaugeMetricFamily
    from sqlalchemy import text

    family = GaugeMetricFamily(
        "lowcraft_workflow_runs_unfinished", "Unfinished workflow runs by status; queued is the queue's depth.",
        labels=["status"],
    )
    counts = {"queued": 0, "running": 0, "waiting": 0}
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT status, COUNT(*) FROM workflow_runs WHERE status IN ('queued', 'running', 'waiting') GROUP BY status"
            )).all()
        for status, count in rows:
            counts[str(status)] = int(str(count))
    except Exception:  # noqa: BLE001, S110 - a store not migrated yet has no runs to count
        pass
    for status, count in counts.items():
        family.add_metric([status], count)
    yield family


def observe_execution(connector: str, outcome: str, seconds: float) -> None:
    """Count one action execution; `outcome` is e.g. success, error, timeout."""
    EXECUTIONS.observe((connector, outcome), seconds)


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


def pool_families(db: Database) -> Iterator[GaugeMetricFamily]:
    """The store's connection pool, read at scrape time."""
    from prometheus_client.core import GaugeMetricFamily
    from sqlalchemy.pool import QueuePool

    pool = db.engine.pool
    checked_out = GaugeMetricFamily("lowcraft_db_pool_checked_out", "Store connections in use.")
    size = GaugeMetricFamily("lowcraft_db_pool_size", "Store connections the pool keeps open at most (without overflow).")
    overflow = GaugeMetricFamily("lowcraft_db_pool_overflow", "Store connections opened beyond the pool size.")
    if isinstance(pool, QueuePool):
        checked_out.add_metric([], pool.checkedout())
        size.add_metric([], pool.size())
        overflow.add_metric([], max(pool.overflow(), 0))
    yield from (checked_out, size, overflow)


class Metrics:
    """One app's metrics: its requests and store pool, plus the process's action executions."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.requests = LatencyHistogram(
            "lowcraft_http_request_duration_seconds",
            "HTTP requests by route template, method and status class, with their duration.",
            ("route", "method", "status"),
        )
        self._registry: CollectorRegistry | None = None

    def observe_request(self, scope: MutableMapping[str, Any], status: int, seconds: float) -> None:
        """Called by EdgeMiddleware once per HTTP request, after routing filled in the scope."""
        self.requests.observe((route_template(scope), scope.get("method", ""), f"{status // 100}xx"), seconds)

    def collect(self) -> Iterator[HistogramMetricFamily | GaugeMetricFamily]:
        yield self.requests.family()
        yield EXECUTIONS.family()
        yield WORKFLOW_RUNS.family()
        yield from workflow_queue_families(self.db)
        yield from pool_families(self.db)

    def exposition(self) -> bytes:
        from prometheus_client import CollectorRegistry, generate_latest

        if self._registry is None:
            self._registry = CollectorRegistry()
            self._registry.register(self)
        return generate_latest(self._registry)

    @property
    def content_type(self) -> str:
        from prometheus_client import CONTENT_TYPE_LATEST

        return CONTENT_TYPE_LATEST


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
        return Response(metrics.exposition(), media_type=metrics.content_type)

    return metrics
