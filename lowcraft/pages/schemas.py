"""Response models of the page routes: pages with and without their widget trees (`PageSummary`
is in `apps.schemas`, below pages, as an application lists its pages).

Diagnostics are `lowcraft.bindings.results.Diagnostic` itself (pydantic reads the dataclass), so the
API's description of them cannot drift from what the linter makes.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from lowcraft.apps.schemas import PageSummary
from lowcraft.bindings.results import Diagnostic
from lowcraft.http.openapi import Out


class PageList(Out):
    pages: list[PageSummary]


class PageDetail(PageSummary):
    """A page with its widget tree."""

    dsl: dict[str, Any] = Field(description="The widget tree (the root canvas and its children), free-form JSON.")


class PageSaved(PageSummary):
    """A saved widget tree's page, with the problems the save found in the application's bindings."""

    diagnostics: list[Diagnostic]
