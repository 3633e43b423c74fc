"""An application document as entities - the application, datasources, pages, widgets, queries,
JS objects - for status (what changed since a commit) and three-way merges. Pure functions on
documents (`lowcraft.appmodel.document_format`), nothing of Git or the store.

A merge is decided entity by entity, not line by line: two developers editing different widgets
of one page merge cleanly, and the same widget (or query, or JS object) changed on both sides is
one conflict, shown as mine and theirs. Widgets are keyed by name within their page; a widget's
value is its properties and its parent, so moving it is a change of that widget.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from lowcraft.appmodel.document_format import FORMAT, FORMAT_VERSION

ROOT = ""
"""The parent of a page's root widget."""

KINDS = ("application", "datasource", "page", "widget", "query", "js")


@dataclass(frozen=True)
class EntityKey:
    kind: str
    page: str = ""
    name: str = ""

    @property
    def id(self) -> str:
        if self.kind == "application":
            return "application"
        if self.kind in ("datasource", "page"):
            return f"{self.kind}:{self.name}"
        return f"{self.kind}:{self.page}/{self.name}"

    @classmethod
    def parse(cls, value: str) -> EntityKey:
        kind, _, rest = value.partition(":")
        if kind == "application":
            return cls("application")
        if kind in ("datasource", "page"):
            return cls(kind, "", rest)
        page, _, name = rest.partition("/")
        return cls(kind, page, name)


Entities = dict[EntityKey, Any]


def _clean_action(action: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in action.items() if k not in ("id", "datasourceId")}


def _clean_js(js: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in js.items() if k != "id"}


def _walk(widget: dict[str, Any], parent: str, page: str, out: Entities, order: dict[str, list[str]]) -> None:
    name = str(widget.get("widgetName", ""))
    value = {k: v for k, v in widget.items() if k != "children"}  # shared: documents here are throwaway
    if "children" in widget:
        value["children"] = []  # a marker: the widget holds a list of children (which are entities of their own)
    value["parent"] = parent
    out[EntityKey("widget", page, name)] = value
    children = widget.get("children") or []
    order[name] = [str(c.get("widgetName", "")) for c in children if isinstance(c, dict)]
    for child in children:
        if isinstance(child, dict):
            _walk(child, name, page, out, order)


def entities_of(document: dict[str, Any]) -> tuple[Entities, dict[str, dict[str, list[str]]]]:
    """The document's entities, and each page's child order (parent name -> children names)."""
    out: Entities = {EntityKey("application"): copy.deepcopy(document.get("application", {}))}
    orders: dict[str, dict[str, list[str]]] = {}
    for ds in document.get("datasources", []):
        out[EntityKey("datasource", "", ds["name"])] = dict(ds)
    for position, page in enumerate(document.get("pages", [])):
        name = page["name"]
        out[EntityKey("page", "", name)] = {
            "name": name, "slug": page.get("slug"), "isDefault": bool(page.get("isDefault", False)),
            "hidden": bool(page.get("hidden", False)), "position": position,
        }
        order: dict[str, list[str]] = {}
        if isinstance(page.get("dsl"), dict):
            _walk(page["dsl"], ROOT, name, out, order)
        orders[name] = order
        for action in page.get("actions", []):
            out[EntityKey("query", name, action["name"])] = _clean_action(action)
        for js in page.get("jsObjects", []):
            out[EntityKey("js", name, js["name"])] = _clean_js(js)
    return out, orders


@dataclass
class Change:
    key: EntityKey
    change: str  # added | modified | deleted

    def to_dict(self) -> dict[str, str]:
        return {"id": self.key.id, "kind": self.key.kind, "page": self.key.page, "name": self.key.name,
                "change": self.change}


def _sort_key(key: EntityKey) -> tuple[int, str, str]:
    return KINDS.index(key.kind), key.page, key.name


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The entities added, modified and deleted from `before` to `after`."""
    old, _ = entities_of(before)
    new, _ = entities_of(after)
    changes = []
    for key in sorted(set(old) | set(new), key=_sort_key):
        if key not in old:
            changes.append(Change(key, "added"))
        elif key not in new:
            changes.append(Change(key, "deleted"))
        elif old[key] != new[key]:
            changes.append(Change(key, "modified"))
    return changes


@dataclass
class Conflict:
    key: EntityKey
    base: Any
    mine: Any
    theirs: Any

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.key.id, "kind": self.key.kind, "page": self.key.page, "name": self.key.name,
                "base": self.base, "mine": self.mine, "theirs": self.theirs}


@dataclass
class MergeResult:
    merged: Entities
    conflicts: list[Conflict]
    orders: dict[str, dict[str, list[str]]]
    """Child order hints: mine first, then what only theirs has."""


def _merged_orders(
    mine: dict[str, dict[str, list[str]]], theirs: dict[str, dict[str, list[str]]]
) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for page in set(mine) | set(theirs):
        a, b = mine.get(page, {}), theirs.get(page, {})
        out[page] = {parent: a.get(parent, []) + [n for n in b.get(parent, []) if n not in a.get(parent, [])]
                     for parent in set(a) | set(b)}
    return out


def three_way(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> MergeResult:
    """Merge two documents descended from `base`, entity by entity."""
    b, _ = entities_of(base)
    m, mine_order = entities_of(mine)
    t, theirs_order = entities_of(theirs)
    merged: Entities = {}
    conflicts = []
    for key in sorted(set(b) | set(m) | set(t), key=_sort_key):
        vb, vm, vt = b.get(key), m.get(key), t.get(key)
        if vm == vt:
            value = vm
        elif vm == vb:
            value = vt
        elif vt == vb:
            value = vm
        else:
            conflicts.append(Conflict(key, vb, vm, vt))
            continue
        if value is not None:
            merged[key] = value
    return MergeResult(merged, conflicts, _merged_orders(mine_order, theirs_order))


def _tree(page: str, parent: str, widgets: dict[str, dict[str, Any]], order: dict[str, list[str]]) -> list[dict[str, Any]]:
    children = [n for n, w in widgets.items() if w["parent"] == parent]
    hint = order.get(parent, [])
    children.sort(key=lambda n: (hint.index(n) if n in hint else len(hint), n))
    built = []
    for name in children:
        widget = {k: v for k, v in widgets[name].items() if k not in ("parent", "children")}
        kids = _tree(page, name, widgets, order)
        if kids or "children" in widgets[name]:
            widget["children"] = kids
        built.append(widget)
    return built


class Unassembled(ValueError):
    """The merged entities do not make a document (a widget whose parent is gone, a page without root)."""


def assemble(entities: Entities, orders: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    """The document made of `entities` (checked by the caller with `parse_document`)."""
    pages = sorted((v for k, v in entities.items() if k.kind == "page"), key=lambda p: (p["position"], p["name"]))
    out_pages = []
    for page in pages:
        name = page["name"]
        widgets = {k.name: v for k, v in entities.items() if k.kind == "widget" and k.page == name}
        roots = _tree(name, ROOT, widgets, orders.get(name, {}))
        placed: set[str] = set()

        def mark(items: list[dict[str, Any]]) -> None:
            for item in items:
                placed.add(str(item.get("widgetName")))
                mark(item.get("children", []))

        mark(roots)
        orphans = sorted(set(widgets) - placed)
        if orphans:
            raise Unassembled(f"Page '{name}': widget '{orphans[0]}' is inside a widget that no longer exists.")
        if len(roots) != 1:
            raise Unassembled(f"Page '{name}' needs exactly one root widget.")
        entry: dict[str, Any] = {"name": name}
        if page.get("slug") is not None:
            entry["slug"] = page["slug"]
        entry.update({"isDefault": page["isDefault"], "hidden": page["hidden"], "dsl": roots[0]})
        entry["actions"] = [v for k, v in sorted(entities.items(), key=lambda kv: kv[0].name)
                            if k.kind == "query" and k.page == name]
        entry["jsObjects"] = [v for k, v in sorted(entities.items(), key=lambda kv: kv[0].name)
                              if k.kind == "js" and k.page == name]
        out_pages.append(entry)
    known_pages = {p["name"] for p in pages}
    for key in entities:
        if key.kind in ("widget", "query", "js") and key.page not in known_pages:
            raise Unassembled(f"The {key.kind} '{key.name}' belongs to page '{key.page}', which no longer exists.")
    return {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "application": entities.get(EntityKey("application"), {}),
        "datasources": [v for k, v in sorted(entities.items(), key=lambda kv: kv[0].name) if k.kind == "datasource"],
        "pages": out_pages,
    }
