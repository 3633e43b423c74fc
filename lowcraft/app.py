"""create_app(): the FastAPI application with its routers, edge middleware and the web client."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import importlib
import logging
import re
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute

from lowcraft import __version__
from lowcraft.accounts.api import router as accounts_router
from lowcraft.accounts.signin import sync_environment_providers
from lowcraft.accounts.signin_api import router as signin_router
from lowcraft.accounts.signin_api import saml_router
from lowcraft.actions.api import execute
from lowcraft.actions.api import router as actions_router
from lowcraft.actions.execution_plans import cached_execution
from lowcraft.appmodel.versions import prune_all
from lowcraft.apps import service as apps_service
from lowcraft.apps.api import UPLOAD_LIMITS
from lowcraft.apps.api import router as apps_router
from lowcraft.config import Settings
from lowcraft.connectors.pools import default_pools
from lowcraft.context import Context
from lowcraft.git import startup as git_startup
from lowcraft.http import API_PREFIX, docs, errors, spa
from lowcraft.http.fast_execute import GZIP_MINIMUM_BYTES, serve_cached_execution
from lowcraft.http.headers import FrameAncestorsCache, HeadAsGet, SecurityHeaders, page_policy
from lowcraft.http.middleware import ASGIApp, EdgeMiddleware, Receive, Scope, Send
from lowcraft.http.routing import DeferredRoute, LazyAPIRoutes, LazyRoutes
from lowcraft.meta.api import router as meta_router
from lowcraft.metrics import install as install_metrics
from lowcraft.pages.api import router as pages_router
from lowcraft.runtime import Runtime
from lowcraft.scim import SCIM_PREFIX
from lowcraft.store.migrate import upgrade
from lowcraft.triggers import startup as triggers_startup
from lowcraft.workflows import startup as workflows_startup
from lowcraft.workspaces.api import router as workspaces_router

log = logging.getLogger("lowcraft")
HOUSEKEEPING_EVERY_SECONDS = 3600
HOUSEKEEPING_FIRST_AFTER_SECONDS = 2.0
"""The first run waits this long after start, so that it does not compete with the first requests."""
GC_YOUNG_THRESHOLD = 20_000
_heap_settled = False


def housekeeping(runtime: Runtime) -> None:
    """Purge the trash past retention, expired sessions and versions past their age limit; safe
    to run on every replica."""
    settings = runtime.settings
    with runtime.db.session() as db:
        purged = apps_service.purge_trash(Context(runtime=runtime, db=db))
        versions = prune_all(db, keep=settings.version_retention, days=settings.version_retention_days)
    expired = runtime.sessions.purge_expired()
    runs = 0
    # Workflow runs and webhook delivery ids: their modules load only on an instance that has some.
    if workflows_startup.has_runs(runtime.db):
        from lowcraft.workflows import handler as workflows_handler

        with runtime.db.session() as db:
            runs = workflows_handler.purge_finished(db, runtime.settings.workflow_retention_days)
    if triggers_startup.has_deliveries(runtime.db):
        from lowcraft.triggers import service as triggers_service

        with runtime.db.session() as db:
            triggers_service.purge_deliveries(Context(runtime=runtime, db=db))  # webhook ids past the replay window
    if purged or expired or versions or runs:
        log.info(
            "housekeeping: %d applications purged, %d sessions expired, %d versions past retention pruned, "
            "%d workflow runs deleted", purged, expired, versions, runs,
        )


def _resume_unfinished(runtime: Runtime) -> bool:
    if not workflows_startup.has_unfinished_runs(runtime.db):
        return False  # nothing waits: the workflow modules stay unloaded until a workflow is used
    from lowcraft.workflows import handler as workflows_handler

    return workflows_handler.resume_unfinished(runtime)


async def _resume_workflows(runtime: Runtime) -> None:
    """After start: resume unfinished workflow runs, if there are any (DBOS loads only then)."""
    try:
        if await asyncio.to_thread(_resume_unfinished, runtime):
            log.info("workflows: engine launched to resume unfinished runs")
    except Exception:
        log.exception("workflows: unfinished runs could not be resumed")


def _recover_git_operations(runtime: Runtime) -> None:
    """Finish Git operations a killed process left half done; Git sync's modules load only if some wait."""
    if git_startup.recovery_due(runtime.db):
        from lowcraft.git.recovery import recover

        recover(runtime)


def _stop_workflow_engine(runtime: Runtime) -> None:
    if "lowcraft.workflows.engine" in sys.modules:  # launched by a workflow used or resumed here
        from lowcraft.workflows.handler import stop_engine

        stop_engine(runtime)


def frame_ancestors(runtime: Runtime, key: str) -> list[str]:
    """Origins allowed to frame the viewer of the app at `key`, for the security headers."""
    with runtime.db.session() as db:
        return apps_service.frame_ancestors(Context(runtime=runtime, db=db), key)


async def _housekeeping_loop(runtime: Runtime) -> None:
    """Housekeeping shortly after start, then every hour. The first run goes with the server
    already answering, a moment later: run at once, its store queries (about 15 ms of CPU) shared
    the interpreter with the first readiness probe and held it back (bench/startup.py)."""
    await asyncio.sleep(HOUSEKEEPING_FIRST_AFTER_SECONDS)
    while True:
        # Shielded: cancelling the loop at shutdown waits for a run in progress (see `lifespan`),
        # so no thread still queries the store when the runtime closes.
        run = asyncio.ensure_future(asyncio.to_thread(housekeeping, runtime))
        try:
            await asyncio.shield(run)
        except asyncio.CancelledError:
            await asyncio.wait([run])
            raise
        except Exception:
            log.exception("housekeeping failed")
        await asyncio.sleep(HOUSEKEEPING_EVERY_SECONDS)


_EXECUTE_PATH = re.compile(API_PREFIX + r"/actions/([^/]+)/execute")


class LowcraftApp(FastAPI):
    """FastAPI behind our edge middleware, with action execution served ahead of FastAPI.

    The edge (security headers, request ids, CSRF header, body limit, access log, metrics, HEAD
    as GET) is the outermost layer for every HTTP request. Behind it,
    `POST /api/v1/actions/{id}/execute` - what running apps call most - goes to
    `serve_cached_execution`, which answers from the execution-plan cache and hands anything else
    to FastAPI's own route. FastAPI's per-request layers (telemetry,
    error middleware, dependency solving) cost more than the query itself on that path.
    """

    edge: ASGIApp | None = None
    execute_route: APIRoute | None = None

    @property
    def routes(self) -> list[BaseRoute]:
        """Every route, with those of the lazily loaded groups (`LazyAPIRoutes`) in their place,
        and those of a lazily loaded router (SCIM's `LazyRoutes`) after it.

        Reading this loads every group: the OpenAPI document and whatever else enumerates the
        routes sees them all. Requests are matched on `router.routes`, where a group loads only
        with the first request to its prefixes.
        """
        listed: list[BaseRoute] = []
        for route in self.router.routes:
            if isinstance(route, LazyAPIRoutes):
                listed.extend(route.routes)
            else:
                listed.append(route)
                if isinstance(route, LazyRoutes):
                    listed.extend(route.routes)
        return listed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.edge is not None:
            await self.edge(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def behind_edge(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = _EXECUTE_PATH.fullmatch(scope["path"]) if scope["method"] == "POST" else None
        if match is None:
            await super().__call__(scope, receive, send)
            return
        # What FastAPI's router would record, for the request metrics.
        scope["route"], scope["path_params"] = self.execute_route, {"action_id": match[1]}
        lookup = functools.partial(cached_execution, self.state.runtime)
        await serve_cached_execution(lookup, match[1], scope, receive, send, super().__call__)


def settle_heap() -> None:
    """Tune the garbage collector for serving, once startup has built its long-lived objects.

    Freezing moves everything alive after startup (modules, routes, schemas, SQLAlchemy metadata)
    out of the collector's reach, and a higher first threshold makes young collections rarer.
    Without this, full collections re-scanning that heap stalled every request in flight:
    p99 of action execution at concurrency 16 went from 90 ms to 5 ms (bench/execute.py).
    Done once per process: what a second app in the same process (tests) leaves would stay frozen.

    No collection runs first: a full one over the ~150,000 objects of a started server took
    60-100 ms of every start (bench/startup.py) to free some 800 objects of import-time garbage,
    0.3 MB (1 MB after a first start's migrations), which now stays frozen instead.
    `lowcraft serve` switches the collector off while it starts (see `cli.serve`); this switches
    it back on.
    """
    global _heap_settled
    if _heap_settled:
        return
    _heap_settled = True
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 50, 100)
    gc.enable()


def _routes_of(module: str) -> Sequence[BaseRoute]:
    routes: Sequence[BaseRoute] = importlib.import_module(module).router.routes
    return routes


# Route modules a session rarely needs, loaded with the first request to their prefixes: their
# services, schemas and tables were about 50 ms of every start and 4 MB of idle memory
# (bench/startup.py). Each prefix covers every route of its module (tests/http/test_routing.py).
LAZY_ROUTE_MODULES: dict[str, tuple[str, ...]] = {
    "lowcraft.versions.api": (API_PREFIX + "/applications/{application_id}/versions",),
    "lowcraft.admin.api": (API_PREFIX + "/admin/settings",),
    "lowcraft.scim.admin_api": (API_PREFIX + "/admin/scim",),
    "lowcraft.git.api": (API_PREFIX + "/applications/{application_id}/git",),
    "lowcraft.workflows.api": (API_PREFIX + "/applications/{application_id}/workflows",),
    "lowcraft.triggers.api": (API_PREFIX + "/workflows", API_PREFIX + "/hooks/workflows"),
    # Editor and settings screens: the first of them to open loads these.
    "lowcraft.datasources.api": (API_PREFIX + "/connectors", API_PREFIX + "/datasources",
                                 API_PREFIX + "/workspaces/{workspace_id}/datasources"),
    "lowcraft.jslibs.api": (API_PREFIX + "/applications/{application_id}/js-libraries",),
    "lowcraft.accounts.two_factor_api": tuple(API_PREFIX + path for path in (
        "/admin/two-factor", "/auth/two-factor", "/me/two-factor", "/workspaces/{workspace_id}/two-factor")),
}


def _lazy(module: str) -> LazyAPIRoutes:
    return LazyAPIRoutes(LAZY_ROUTE_MODULES[module], functools.partial(_routes_of, module))


def _scim_router() -> ASGIApp:
    from lowcraft.scim.api import router

    return router


def _realtime_endpoint() -> ASGIApp:
    from lowcraft.realtime.endpoint import endpoint

    return endpoint


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> LowcraftApp:
    settings = settings or Settings()
    default_pools.connection_budget = settings.datasource_connections
    runtime = Runtime.build(settings)
    if migrate:
        upgrade(runtime.db)
    if settings.sign_in_providers:
        sync_environment_providers(runtime)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Git operations a killed process left half done are finished (or abandoned) before serving.
        await asyncio.to_thread(_recover_git_operations, runtime)
        settle_heap()
        task = asyncio.create_task(_housekeeping_loop(runtime))
        resume = asyncio.create_task(_resume_workflows(runtime))
        schedules = asyncio.create_task(triggers_startup.run_forever(runtime))
        try:
            yield
        finally:
            task.cancel()
            resume.cancel()
            schedules.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            hub = getattr(app.state, "realtime_hub", None)  # made by the first real-time connection
            if hub is not None:
                await hub.close()
            await asyncio.to_thread(_stop_workflow_engine, runtime)
            await default_pools.close_all()
            runtime.close()

    app = LowcraftApp(
        title="Lowcraft",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served by lowcraft.http.docs, without a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    # Routes the app adds itself (API docs, metrics, the web client) build on first use too: built
    # at start they cost about 30 ms of every start (bench/startup.py).
    app.router.route_class = DeferredRoute
    errors.install(app)
    # Routes are matched in order: the action routes (execution is the hot path) go first. They
    # are added to the app itself rather than through nested routers: FastAPI walks every nested
    # router on each request, which cost about a tenth of the server's time under load. The
    # routers' own route objects are added as they are (their paths carry API_PREFIX): building
    # them again through `add_api_route` cost 75 ms of every start (bench/startup.py).
    # The groups of LAZY_ROUTE_MODULES take their routes' place in this order.
    for router in (
        actions_router, meta_router, accounts_router, signin_router, saml_router, workspaces_router, apps_router,
        "lowcraft.versions.api", pages_router, "lowcraft.datasources.api", "lowcraft.admin.api", "lowcraft.jslibs.api",
        "lowcraft.accounts.two_factor_api", "lowcraft.scim.admin_api", "lowcraft.git.api", "lowcraft.workflows.api",
        "lowcraft.triggers.api",
    ):
        if isinstance(router, str):
            app.router.routes.append(_lazy(router))
        else:
            app.router.routes.extend(router.routes)
    app.router.routes.append(LazyRoutes(SCIM_PREFIX, _scim_router))  # SCIM 2.0, with its own error shape
    # Co-editing and live viewers (docs/realtime.md): pycrdt loads with the first connection.
    app.router.routes.append(LazyRoutes(API_PREFIX + "/ws", _realtime_endpoint, ("websocket", "http")))
    docs.mount(app, "Lowcraft API")
    metrics = install_metrics(app, runtime.db, settings.metrics_token)  # before the SPA's catch-all route
    spa.mount(app, settings.web_dist, settings.sandbox_connect_src)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES)
    app.execute_route = next(r for r in app.router.routes if isinstance(r, APIRoute) and r.endpoint is execute)
    edge = EdgeMiddleware(
        HeadAsGet(app.behind_edge), max_body_bytes=int(settings.max_body_mb * 1_000_000), metrics=metrics,
        upload_limits=UPLOAD_LIMITS,
    )
    app.edge = SecurityHeaders(
        edge, page_policy=page_policy(settings.recaptcha_script_url),
        frame_ancestors=FrameAncestorsCache(lambda key: frame_ancestors(runtime, key)),
    )
    return app


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI document, from an app on a throwaway in-memory store: no server, no migrations.

    `lowcraft openapi` writes it to `web/src/api/openapi.json`, which the web client's types are
    generated from.
    """
    with tempfile.TemporaryDirectory(prefix="lowcraft-openapi-") as data_dir:
        app = create_app(Settings(data_dir=Path(data_dir), database_url="sqlite://"), migrate=False)
        try:
            return app.openapi()
        finally:
            app.state.runtime.close()
