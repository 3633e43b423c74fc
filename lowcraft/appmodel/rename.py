"""Renames inside an application document, on top of the binding analyser: pure functions of
documents and trees, no store. `lowcraft.apps.handler` writes their results back."""

from __future__ import annotations

from typing import Any

from lowcraft.appmodel.tree import iter_widgets
from lowcraft.bindings import Change, rename
from lowcraft.widgets.registry import registry


def rename_in_document(
    document: dict[str, Any], old: str, new: str, page: int | None = None
) -> tuple[dict[str, Any], list[Change]]:
    """Rename an entity of page number `page` (names are per page) and its references on that
    page; `page` may be left out when only one page has the name."""
    return rename(document, old, new, registry.get, page)


def widget_renames(before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
    """Widgets that kept their id but changed name between two trees of one page: old -> new."""
    old_names = {w.get("widgetId"): w.get("widgetName") for w in iter_widgets(before)}
    renames = {}
    for widget in iter_widgets(after):
        old = old_names.get(widget.get("widgetId"))
        if isinstance(old, str) and old != widget.get("widgetName"):
            renames[old] = widget["widgetName"]
    return renames


def with_names(tree: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The tree with widgets renamed by `names` (old -> new), leaving the input untouched."""
    copy = {**tree}
    if copy.get("widgetName") in names:
        copy["widgetName"] = names[copy["widgetName"]]
    if isinstance(copy.get("children"), list):
        copy["children"] = [with_names(c, names) if isinstance(c, dict) else c for c in copy["children"]]
    return copy
