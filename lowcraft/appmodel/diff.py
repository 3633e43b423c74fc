"""Comparing two application documents entity by entity: what a reviewer of a change wants to see.

`diff_documents(before, after)` is pure: it takes two documents in the exchange format (exports,
published snapshots, versions; with or without ids) and lists each application setting,
datasource, page, widget, query and JS object that was added, removed or changed, with its value
before and after. Version history compares two versions with it; Git sync may reuse it for status.

How entities are matched:
- pages by id when both documents carry ids (a renamed page is *changed*), else by name;
- widgets, queries and JS objects by name within their page (names are per page; a rename shows
  as one removed and one added entity, as a reviewer reads it);
- application settings by key (`name`, `slug`, `icon`, `theme`, `settings`, `jsLibraries`);
- datasources by name.
Ids (`id`, `datasourceId`) and `exportedAt` are bookkeeping and never count as changes.
A widget's value is the widget without its children (each child is an entity of its own).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from lowcraft.appmodel.tree import iter_widgets

EntityKind = Literal["settings", "datasource", "page", "widget", "query", "jsObject"]
ChangeKind = Literal["added", "removed", "changed"]

APPLICATION_KEYS = ("name", "slug", "icon", "theme", "settings", "jsLibraries")
PAGE_KEYS = ("name", "slug", "isDefault", "hidden")
_BOOKKEEPING = frozenset({"id", "datasourceId"})


@dataclass(frozen=True)
class EntityChange:
    """One entity that differs between two documents."""

    kind: EntityKind
    name: str
    change: ChangeKind
    page: str | None = None
    """The page's name (in `after` when it has one) for widgets, queries and JS objects."""
    before: Any = None
    after: Any = None
    fields: list[str] = field(default_factory=list)
    """For a change: the entity's top-level keys whose values differ, sorted."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "name": self.name, "change": self.change, "page": self.page,
            "before": self.before, "after": self.after, "fields": self.fields,
        }


def _clean(entity: dict[str, Any], drop: frozenset[str] = _BOOKKEEPING) -> dict[str, Any]:
    return {k: v for k, v in entity.items() if k not in drop}


def _compare(
    kind: EntityKind, name: str, page: str | None, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> Iterator[EntityChange]:
    if before is None and after is None:
        return
    if before is None:
        yield EntityChange(kind, name, "added", page, None, after)
    elif after is None:
        yield EntityChange(kind, name, "removed", page, before, None)
    elif before != after:
        keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        yield EntityChange(kind, name, "changed", page, before, after, keys)


def _by_name(entities: list[Any], key: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for entity in entities:
        if isinstance(entity, dict) and isinstance(entity.get(key), str):
            out.setdefault(entity[key], entity)
    return out


def _pair(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> Iterator[str]:
    """Names of both, `after`'s order first, then the removed ones in `before`'s order."""
    yield from after
    yield from (name for name in before if name not in after)


def _widgets(page: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    dsl = page.get("dsl") if page else None
    if not isinstance(dsl, dict):
        return {}
    widgets = [dsl, *iter_widgets(dsl)]
    return {name: _clean(w, frozenset({"children"})) for name, w in _by_name(widgets, "widgetName").items()}


def _page_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> Iterator[EntityChange]:
    name = str((after or before or {}).get("name", ""))
    yield from _compare(
        "page", name, None,
        {k: before.get(k) for k in PAGE_KEYS} if before else None,
        {k: after.get(k) for k in PAGE_KEYS} if after else None,
    )
    old_w, new_w = _widgets(before), _widgets(after)
    for widget in _pair(old_w, new_w):
        yield from _compare("widget", widget, name, old_w.get(widget), new_w.get(widget))
    for kind, key in (("query", "actions"), ("jsObject", "jsObjects")):
        old = {n: _clean(e) for n, e in _by_name((before or {}).get(key) or [], "name").items()}
        new = {n: _clean(e) for n, e in _by_name((after or {}).get(key) or [], "name").items()}
        for entity in _pair(old, new):
            yield from _compare(kind, entity, name, old.get(entity), new.get(entity))  # type: ignore[arg-type]


def _pages(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    old_pages = [p for p in before.get("pages") or [] if isinstance(p, dict)]
    new_pages = [p for p in after.get("pages") or [] if isinstance(p, dict)]
    with_ids = all(p.get("id") for p in old_pages + new_pages)
    key = "id" if with_ids else "name"
    old, new = _by_name(old_pages, key), _by_name(new_pages, key)
    return [(old.get(k), new.get(k)) for k in _pair(old, new)]


def diff_documents(before: dict[str, Any], after: dict[str, Any]) -> list[EntityChange]:
    """Every entity added, removed or changed from `before` to `after` (see the module's doc)."""
    changes: list[EntityChange] = []
    old_app, new_app = before.get("application") or {}, after.get("application") or {}
    for key in APPLICATION_KEYS:
        if old_app.get(key) != new_app.get(key):
            was, now = old_app.get(key), new_app.get(key)
            change: ChangeKind = "added" if was is None else "removed" if now is None else "changed"
            changes.append(EntityChange("settings", key, change, None, was, now))
    old_ds = _by_name(before.get("datasources") or [], "name")
    new_ds = _by_name(after.get("datasources") or [], "name")
    for name in _pair(old_ds, new_ds):
        changes.extend(_compare("datasource", name, None, old_ds.get(name), new_ds.get(name)))
    for old_page, new_page in _pages(before, after):
        changes.extend(_page_changes(old_page, new_page))
    return changes


def summarize(changes: list[EntityChange]) -> dict[str, dict[str, int]]:
    """Per entity kind, how many were added, removed and changed (kinds without changes left out)."""
    counts: dict[str, dict[str, int]] = {}
    for c in changes:
        counts.setdefault(c.kind, {"added": 0, "removed": 0, "changed": 0})[c.change] += 1
    return counts
