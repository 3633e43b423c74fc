"""Response models of version history."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from lowcraft.apps.schemas import PublishedApplication
from lowcraft.http.openapi import Out


class VersionSummary(Out):
    """A version without its document."""

    id: str
    number: int = Field(description="1, 2, 3... per application, in the order versions were made.")
    kind: Literal["publish", "restore"] = Field(
        description="publish: what viewers saw from then on; restore: an older version made the edit state."
    )
    message: str | None
    restored_from: int | None = Field(alias="restoredFrom", description="For a restore: the number restored.")
    author: str = Field(description="Who made it: the name, else the email, kept when the account is gone.")
    author_email: str = Field(alias="authorEmail")
    created_at: str = Field(alias="createdAt")
    is_published: bool = Field(alias="isPublished", description="Whether viewers see this version now.")


class VersionList(Out):
    versions: list[VersionSummary]
    next_before: int | None = Field(
        alias="nextBefore", description="Pass as `before` for the next (older) page; null on the last page."
    )


class VersionDetail(VersionSummary):
    document: dict[str, Any] = Field(description="The application document of this version, free-form JSON.")


class VersionView(PublishedApplication):
    """A version as the viewer loads it: read-only, for the application's Developers."""

    version: VersionSummary


class EntityChangeOut(Out):
    """One entity added, removed or changed between two versions."""

    kind: Literal["settings", "datasource", "page", "widget", "query", "jsObject"]
    name: str
    change: Literal["added", "removed", "changed"]
    page: str | None = Field(description="For widgets, queries and JS objects: their page's name.")
    before: Any = Field(description="The entity before (null when added).")
    after: Any = Field(description="The entity after (null when removed).")
    fields: list[str] = Field(description="For a change: the entity's keys whose values differ.")


class VersionComparison(Out):
    before: VersionSummary | None = Field(description="null: the current edit state.")
    after: VersionSummary | None = Field(description="null: the current edit state.")
    changes: list[EntityChangeOut]
    counts: dict[str, dict[str, int]] = Field(description="Per entity kind: how many added, removed, changed.")
