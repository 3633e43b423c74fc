"""Routes: liveness, readiness, version, and the widget manifests with the instance settings widgets read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from lowcraft import __version__
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import get_runtime
from lowcraft.http.routing import DeferredRoute
from lowcraft.meta.schemas import Health, Readiness, Version, WidgetCatalog
from lowcraft.store.migrate import is_up_to_date
from lowcraft.widgets.registry import registry

router = APIRouter(prefix=API_PREFIX, tags=["instance"], route_class=DeferredRoute)


@router.get("/health", response_model=Health)
def health() -> dict[str, Any]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness, "description": "Not ready"}})
def ready(request: Request) -> JSONResponse:
    """Readiness: the store answers and its schema is current (and Redis, when configured)."""
    runtime = get_runtime(request)
    checks: dict[str, str] = {}
    try:
        runtime.db.ping()
        checks["database"] = "ok" if is_up_to_date(runtime.db) else "migrations pending"
    except Exception as exc:  # any driver error means not ready; the reason is reported
        checks["database"] = f"unavailable: {type(exc).__name__}"
    if runtime.settings.redis_url:
        try:
            runtime.cache.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"unavailable: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503)


@router.get("/version", response_model=Version)
def version() -> dict[str, str]:
    """The server's version."""
    return {"version": __version__}


@router.get("/widgets", response_model=WidgetCatalog)
def widgets(request: Request) -> dict[str, Any]:
    """Every widget type's manifest, and the instance settings widgets need in the browser."""
    settings = get_runtime(request).settings
    return {"widgets": registry.as_json(), "settings": {"recaptchaScriptUrl": settings.recaptcha_script_url}}
