"""Response models of the page routes: pages with and without their widget trees.

Diagnostics are `lowcraft.bindings.lint.Diagnostic` itself (pydantic reads the dataclass), so the
API's description of them cannot drift from what the linter makes.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from lowcraft.bindings.lint import Diagnostic
from lowcraft.http.openapi import Out


class PageSummary(Out):
    """A page as lists show it, without its widget tree."""

    id: str
    application_id: str = Field(alias="applicationId")
    name: str
    slug: str
    position: int
    is_default: bool = Field(alias="isDefault")
    hidden: bool
    revision: int = Field(description="Increases with each save of the widget tree; a save names the one it read.")


class PageList(Out):
    pages: list[PageSummary]


class PageDetail(PageSummary):
    """A page with its widget tree."""

    dsl: dict[str, Any] = Field(description="The widget tree (the root canvas and its children), free-form JSON.")


class PageSaved(PageSummary):
    """A saved widget tree's page, with the problems the save found in the application's bindings."""

    diagnostics: list[Diagnostic]
