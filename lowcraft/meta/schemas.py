"""Response models of the instance routes: health, readiness, version and widget manifests."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from lowcraft.http.openapi import Out


class Health(Out):
    status: Literal["ok"]


class Readiness(Out):
    """Whether the instance can serve: each dependency's state (`ok`, or why not)."""

    status: Literal["ready", "not ready"]
    checks: dict[str, str] = Field(description="Dependency (`database`, `redis`) -> `ok` or the reason it is not.")


class Version(Out):
    version: str


class ClientSettings(Out):
    """Instance settings the browser needs."""

    recaptcha_script_url: str = Field(alias="recaptchaScriptUrl")


class WidgetCatalog(Out):
    widgets: list[dict[str, Any]] = Field(description="Every widget type's manifest: properties, defaults, events.")
    settings: ClientSettings
