"""Versions and the edit state: database work only, trusting its caller
(`lowcraft.versions.service`, which checked the Developer role).

A restore writes the version's document with `apps.service.replace_edit_state`, the one writer of
a whole edit state (Git sync uses it too), in the caller's one transaction. Ids are kept: a page,
query or JS object that still exists is updated in place (an editor open on an older revision of
the page gets a conflict on its next save rather than overwriting the restore); one deleted since
the version was made comes back with its old id, so the published app (which runs actions by id)
and links to pages keep working.
"""

from __future__ import annotations

from typing import Any

from lowcraft.appmodel.models import Application
from lowcraft.apps import handler as apps_handler
from lowcraft.apps.service import replace_edit_state
from lowcraft.context import Context


def current_document(ctx: Context, app: Application) -> dict[str, Any]:
    """The edit state as a document with ids, as versions hold it."""
    return apps_handler.build_document(ctx, app, include_ids=True)


__all__ = ["current_document", "replace_edit_state"]
