"""The shared Yjs document of an application and the store's edit state, each read as the other.

The layout is in docs/realtime.md. Both sides are compared as *flat* maps from a path to a JSON
value, one entry per widget property, widget child list, action config key, name and body:

    ("page", pageId, "name" | "rootId")       ("widget", pageId, widgetId, property)
    ("children", pageId, widgetId)            ("action", actionId, "name" | "pageId")
    ("config", actionId, key)                 ("js", jsObjectId, "name" | "pageId" | "body")

so a change from the store lands on the document as the few values that changed, and concurrent
edits of anything else are left alone.

A widget property an editor types into is a Y.Text (made by the browser when a code field of the
property pane is focused): it reads as its string, an empty one as no value (what clearing the field
means), and a change from the store edits it in place, so open editors stay bound to it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Array, Doc, Map, Text

Path = tuple[str, ...]
Flat = dict[Path, Any]
MAX_TREE_DEPTH = 64


@dataclass
class EditState:
    """An application's edit state as the document holds it (plain JSON)."""

    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    """pageId -> {"name", "dsl"}"""
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    """actionId -> {"name", "pageId", "config"}"""
    js_objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    """jsObjectId -> {"name", "pageId", "body"}"""
    revisions: dict[str, int] = field(default_factory=dict)
    """pageId -> the store's revision (store side only)."""


def normal(value: Any) -> Any:
    """A JSON value as the store keeps it: Yjs numbers are doubles, so whole ones become ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normal(v) for v in value]
    return value


# --- flat form -------------------------------------------------------------------------------


def _flatten_tree(flat: Flat, page_id: str, widget: dict[str, Any], depth: int = 0) -> None:
    widget_id = str(widget.get("widgetId"))
    for key, value in widget.items():
        if key != "children":
            flat[("widget", page_id, widget_id, key)] = normal(value)
    if "children" in widget and depth < MAX_TREE_DEPTH:
        children = [c for c in widget["children"] or [] if isinstance(c, dict)]
        flat[("children", page_id, widget_id)] = [str(c.get("widgetId")) for c in children]
        for child in children:
            _flatten_tree(flat, page_id, child, depth + 1)


def flatten(state: EditState) -> Flat:
    flat: Flat = {}
    for page_id, page in state.pages.items():
        dsl = page["dsl"]
        flat[("page", page_id, "name")] = page["name"]
        flat[("page", page_id, "rootId")] = str(dsl.get("widgetId"))
        _flatten_tree(flat, page_id, dsl)
    for action_id, action in state.actions.items():
        flat[("action", action_id, "name")] = action["name"]
        flat[("action", action_id, "pageId")] = action["pageId"]
        for key, value in (action["config"] or {}).items():
            flat[("config", action_id, key)] = normal(value)
    for js_id, js in state.js_objects.items():
        for key in ("name", "pageId", "body"):
            flat[("js", js_id, key)] = js[key]
    return flat


# --- reading the document --------------------------------------------------------------------


def _build_widget(tree: dict[str, Any], widget_id: str, seen: set[str], depth: int) -> dict[str, Any] | None:
    raw = tree.get(widget_id)
    if not isinstance(raw, dict) or widget_id in seen or depth > MAX_TREE_DEPTH:
        return None
    seen.add(widget_id)
    widget = {k: normal(v) for k, v in raw.items() if k != "children"}
    if "children" in raw:
        ids = raw["children"] if isinstance(raw["children"], list) else []
        children = [_build_widget(tree, str(i), seen, depth + 1) for i in ids]
        widget["children"] = [c for c in children if c is not None]
    return widget


def _plain_widget(widget: Map[Any]) -> dict[str, Any]:
    """A widget's map as JSON: a property held as text is its string, an empty text no property."""
    plain: dict[str, Any] = {}
    for key, value in widget.items():
        if isinstance(value, Text):
            if len(value) > 0:
                plain[key] = str(value)
        else:
            plain[key] = value.to_py() if isinstance(value, (Map, Array)) else value
    return plain


def _plain_tree(page: Map[Any]) -> dict[str, Any]:
    tree = page.get("tree")
    if not isinstance(tree, Map):
        return {}
    return {wid: _plain_widget(w) if isinstance(w, Map) else w for wid, w in tree.items()}


def read_doc(doc: Doc[Any]) -> EditState:
    """The document's content as an edit state; widgets no child list reaches are left out."""
    state = EditState()
    for page_id, page in doc.get("pages", type=Map).items():
        if not isinstance(page, Map):
            continue
        tree = _plain_tree(page)
        root = _build_widget(tree, str(page.get("rootId", "0")), set(), 0)
        state.pages[page_id] = {"name": page.get("name"), "dsl": root}
    for action_id, action in (doc.get("actions", type=Map).to_py() or {}).items():
        if isinstance(action, dict):
            config = action.get("config")
            state.actions[action_id] = {
                "name": action.get("name"), "pageId": action.get("pageId"),
                "config": normal(config) if isinstance(config, dict) else {},
            }
    for js_id, js in (doc.get("jsObjects", type=Map).to_py() or {}).items():
        if isinstance(js, dict):
            state.js_objects[js_id] = {"name": js.get("name"), "pageId": js.get("pageId"), "body": js.get("body")}
    return state


def flat_of_doc(doc: Doc[Any]) -> Flat:
    state = read_doc(doc)
    state.pages = {k: v for k, v in state.pages.items() if isinstance(v["dsl"], dict)}
    return flatten(state)


# --- writing the document --------------------------------------------------------------------

_MISSING = object()


def _child(parent: Map[Any], key: str, make: Any) -> Any:
    current = parent.get(key)
    if isinstance(current, type(make)):
        return current
    parent[key] = make
    return parent[key]


def replace_text(text: Text, value: str) -> None:
    """Make `text` read `value` by replacing only the middle that changed (typing elsewhere stays)."""
    current = str(text)
    if current == value:
        return
    start, limit = 0, min(len(current), len(value))
    while start < limit and current[start] == value[start]:
        start += 1
    end = 0
    while end < limit - start and current[len(current) - 1 - end] == value[len(value) - 1 - end]:
        end += 1
    # pycrdt counts positions in UTF-8 bytes.
    at = len(current[:start].encode())
    gone = len(current[start:len(current) - end].encode())
    if gone:
        del text[at:at + gone]
    middle = value[start:len(value) - end]
    if middle:
        text.insert(at, middle)


def _put(holder: Map[Any], key: str, value: Any, as_text: bool) -> None:
    """Set a value; a string into a key that holds a text edits that text in place."""
    current = holder.get(key)
    if isinstance(current, Text) and isinstance(value, str):
        replace_text(current, value)
    else:
        holder[key] = Text(value) if as_text and isinstance(value, str) else value


def _set(doc: Doc[Any], path: Path, value: Any) -> None:
    kind, entity = path[0], path[1]
    if kind in ("page", "widget", "children"):
        page = _child(doc.get("pages", type=Map), entity, Map({"tree": Map()}))
        if kind == "page":
            page[path[2]] = value
            return
        tree = _child(page, "tree", Map())
        widget = _child(tree, path[2], Map())
        if kind == "children":
            widget["children"] = Array(list(value))
        else:
            _put(widget, path[3], value, as_text=False)
    elif kind in ("action", "config"):
        action = _child(doc.get("actions", type=Map), entity, Map({"config": Map()}))
        if kind == "action":
            action[path[2]] = value
        else:
            config = _child(action, "config", Map())
            _put(config, path[2], value, as_text=True)
    elif kind == "js":
        js = _child(doc.get("jsObjects", type=Map), entity, Map())
        _put(js, path[2], value, as_text=path[2] == "body")


def _delete(doc: Doc[Any], path: Path) -> None:
    kind, entity = path[0], path[1]
    roots = {"page": "pages", "widget": "pages", "children": "pages", "action": "actions", "config": "actions", "js": "jsObjects"}
    holder: Any = doc.get(roots[kind], type=Map).get(entity)
    if not isinstance(holder, Map):
        return
    if kind in ("widget", "children"):
        holder = holder.get("tree")
        holder = holder.get(path[2]) if isinstance(holder, Map) else None
        key = path[3] if kind == "widget" else "children"
    elif kind == "config":
        holder = holder.get("config")
        key = path[2]
    else:
        key = path[2]
    if isinstance(holder, Map) and key in holder:
        if kind == "widget" and isinstance(holder[key], Text):
            replace_text(holder[key], "")  # reads as no value; a field bound to it stays bound
        else:
            del holder[key]


def _entities(flat: Flat) -> tuple[set[str], set[str], set[str], set[tuple[str, str]]]:
    pages = {p[1] for p in flat if p[0] == "page"}
    actions = {p[1] for p in flat if p[0] == "action"}
    js = {p[1] for p in flat if p[0] == "js"}
    widgets = {(p[1], p[2]) for p in flat if p[0] == "widget"}
    return pages, actions, js, widgets


def apply_changes(doc: Doc[Any], old: Flat, new: Flat, current: Flat | None = None) -> int:
    """Bring into `doc` what changed from `old` to `new` (store states), in one transaction.

    A value already equal in the document (`current`, read from it when not given) is not set
    again, so a string being typed into is not replaced by the same text. Returns how many values
    were set or removed.
    """
    if current is None:
        current = flat_of_doc(doc)
    old_pages, old_actions, old_js, old_widgets = _entities(old)
    new_pages, new_actions, new_js, new_widgets = _entities(new)
    count = 0
    with doc.transaction():
        for page_id in old_pages - new_pages:
            doc.get("pages", type=Map).pop(page_id, None)
            count += 1
        for action_id in old_actions - new_actions:
            doc.get("actions", type=Map).pop(action_id, None)
            count += 1
        for js_id in old_js - new_js:
            doc.get("jsObjects", type=Map).pop(js_id, None)
            count += 1
        for page_id, widget_id in old_widgets - new_widgets:
            page = doc.get("pages", type=Map).get(page_id)
            tree = page.get("tree") if isinstance(page, Map) else None
            if page_id in new_pages and isinstance(tree, Map):
                tree.pop(widget_id, None)
                count += 1
        for path, value in new.items():
            if old.get(path, _MISSING) != value and current.get(path, _MISSING) != value:
                _set(doc, path, value)
                count += 1
        gone_entities = (old_pages - new_pages) | (old_actions - new_actions) | (old_js - new_js)
        for path in old.keys() - new.keys():
            if path[1] in gone_entities or (path[0] == "widget" and (path[1], path[2]) not in new_widgets):
                continue
            _delete(doc, path)
            count += 1
    return count


def seed_update(application_id: str, state: EditState) -> bytes:
    """The whole state as one Yjs update, written by a client id derived from the content.

    Two replicas seeding the same application from the same store state at once write the very
    same items, which Yjs merges as one instead of two competing copies.
    """
    flat = flatten(state)
    digest = hashlib.sha256(
        (application_id + json.dumps(sorted((list(k), v) for k, v in flat.items()), default=str)).encode()
    ).digest()
    seed: Doc[Any] = Doc(client_id=int.from_bytes(digest[:4], "big") or 1)
    apply_changes(seed, {}, dict(sorted(flat.items())), {})
    return seed.get_update()
