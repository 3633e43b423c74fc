"""Routes: instance settings (instance administrators only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from lowcraft.admin import service
from lowcraft.admin.schemas import InstanceSettings
from lowcraft.admin.service import InstanceSettingsView
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx
from lowcraft.http.openapi import BODY, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body

router = APIRouter(prefix=API_PREFIX, tags=["admin"], route_class=DeferredRoute)


class InstanceSettingsPatch(Body):
    js_library_urls: list[str] | None = Field(None, alias="jsLibraryUrls", max_length=100)


def _out(view: InstanceSettingsView) -> dict[str, Any]:
    return {
        "jsLibraryUrls": list(view.js_library_urls),
        "jsLibraryUrlsFromEnvironment": list(view.js_library_urls_from_environment),
        "jsLibraryMaxBytes": view.js_library_max_bytes,
    }


@router.get("/admin/settings", response_model=InstanceSettings, responses=errors(401, 403))
def get_settings(ctx: Ctx) -> dict[str, Any]:
    """The instance's settings (instance administrators)."""
    return _out(service.get_settings(ctx))


@router.patch("/admin/settings", response_model=InstanceSettings, responses=errors(*BODY, 401, 403))
def change_settings(body: InstanceSettingsPatch, ctx: Ctx) -> dict[str, Any]:
    """Change instance settings; unsent fields stay (instance administrators)."""
    return _out(service.change_settings(ctx, body.js_library_urls))
