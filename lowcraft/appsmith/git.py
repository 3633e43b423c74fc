"""Appsmith's Git repository layout -> the single-file export document it stands for.

The layout (what Appsmith's Git sync writes, `fileFormatVersion` in `metadata.json`):

    metadata.json   application.json   theme.json
    datasources/<name>.json            jslibs/<lib>.json
    pages/<Page>/<Page>.json           (v5; v4: pages/<Page>/canvas.json with the whole tree)
    pages/<Page>/widgets/...           (v5 only: one widget per file, see `_rebuild_tree`)
    pages/<Page>/queries/<name>/metadata.json + <name>.txt  (the body; formData JSON for REMOTE)
    pages/<Page>/jsobjects/<name>/metadata.json + <name>.js

A zip of a repository usually wraps it in one folder (`repo-main/`); the shallowest folder holding
`metadata.json` beside `application.json` is the root.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, cast

from lowcraft.appsmith.errors import InvalidArchive, InvalidExport, UnsupportedVersion

FILE_FORMAT_VERSIONS = [4, 5]


def find_root(files: dict[str, bytes]) -> str | None:
    """The folder prefix ('' or 'name/') of a Git layout in `files`, or None when there is none."""
    roots = [
        path[: -len("metadata.json")]
        for path in files
        if path.endswith("metadata.json")
        and (path == "metadata.json" or path.endswith("/metadata.json"))
        and path[: -len("metadata.json")] + "application.json" in files
    ]
    return min(roots, key=lambda root: (root.count("/"), root)) if roots else None


def _load(files: dict[str, bytes], path: str, root: str) -> Any:
    try:
        return json.loads(files[root + path])
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidExport(f"'{path}' is not valid JSON: {exc}.", details={"file": path}) from exc


def _object(files: dict[str, bytes], path: str, root: str) -> dict[str, Any]:
    value = _load(files, path, root)
    if not isinstance(value, dict):
        raise InvalidExport(f"'{path}' must hold a JSON object.", details={"file": path})
    return cast(dict[str, Any], value)


def _text(files: dict[str, bytes], path: str, root: str) -> str:
    try:
        return files[root + path].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidExport(f"'{path}' is not UTF-8 text.", details={"file": path}) from exc


def _dsl_of(page: dict[str, Any], path: str) -> dict[str, Any]:
    state = page.get("unpublishedPage") or page.get("publishedPage")
    layouts = state.get("layouts") if isinstance(state, dict) else None
    if not isinstance(layouts, list) or not layouts or not isinstance(layouts[0], dict):
        raise InvalidExport(f"'{path}' has no layouts.", details={"file": path})
    dsl = layouts[0].get("dsl")
    if not isinstance(dsl, dict):
        dsl = layouts[0]["dsl"] = {"widgetName": "MainContainer", "type": "CANVAS_WIDGET", "widgetId": "0"}
    return cast(dict[str, Any], dsl)


def _rebuild_tree(page_name: str, main: dict[str, Any], widget_files: dict[str, dict[str, Any]]) -> None:
    """Re-link one-widget-per-file v5 widgets under the page's main container, in place.

    A widget with children is stored as `<Name>/<Name>.json` holding its canvases without their
    children; its children are files in `<Name>/`. A child goes into its parent's only canvas, or,
    when the parent has several (a Tabs widget), into the canvas whose widgetId is its `parentId`.
    """
    by_name: dict[str, dict[str, Any]] = {}
    parent_of: dict[str, str] = {}
    for rel, widget in sorted(widget_files.items()):
        parts = rel[: -len(".json")].split("/")
        name = parts[-1]
        if len(parts) > 1 and parts[-2] == name:
            folder = parts[-3] if len(parts) > 2 else "MainContainer"
        else:
            folder = parts[-2] if len(parts) > 1 else "MainContainer"
        if name in by_name:
            raise InvalidArchive(
                f"Page '{page_name}' has two widget files named '{name}'.",
                details={"page": page_name, "widget": name},
            )
        by_name[name] = widget
        parent_of[name] = folder
    main["children"] = []
    for name, widget in by_name.items():
        parent_name = parent_of[name]
        found = main if parent_name == "MainContainer" else by_name.get(parent_name)
        if found is None:
            raise InvalidArchive(
                f"Widget '{name}' of page '{page_name}' is in folder '{parent_name}', which is no widget.",
                details={"page": page_name, "widget": name},
            )
        parent: dict[str, Any] = found
        if parent is main:
            main["children"].append(widget)
            continue
        canvases = [
            c
            for c in parent.get("children") or []
            if isinstance(c, dict) and c.get("type") == "CANVAS_WIDGET"
        ]
        if not canvases:
            parent.setdefault("children", []).append(widget)
            continue
        target = canvases[0]
        if len(canvases) > 1:
            matches = [c for c in canvases if c.get("widgetId") == widget.get("parentId")]
            if not matches:
                raise InvalidArchive(
                    f"Widget '{name}' of page '{page_name}' names a parentId that is none of "
                    f"'{parent_name}''s canvases.",
                    details={"page": page_name, "widget": name},
                )
            target = matches[0]
        target.setdefault("children", []).append(widget)


def git_to_export(files: dict[str, bytes], root: str) -> tuple[dict[str, Any], int]:
    """The export document a Git layout rooted at `root` stands for, and its fileFormatVersion."""
    metadata = _object(files, "metadata.json", root)
    version_raw = metadata.get("fileFormatVersion")
    version = (
        int(version_raw)
        if isinstance(version_raw, (int, float))
        and not isinstance(version_raw, bool)
        and version_raw == int(version_raw)
        else None
    )
    if version not in FILE_FORMAT_VERSIONS:
        raise UnsupportedVersion("fileFormatVersion", version_raw, FILE_FORMAT_VERSIONS)
    kind = metadata.get("artifactJsonType", "APPLICATION")
    if kind != "APPLICATION":
        raise InvalidExport(
            f"This repository holds an Appsmith {kind}, not an application.", details={"kind": kind}
        )
    doc: dict[str, Any] = {
        "clientSchemaVersion": metadata.get("clientSchemaVersion"),
        "serverSchemaVersion": metadata.get("serverSchemaVersion"),
        "exportedApplication": _object(files, "application.json", root),
        "pageList": [],
        "actionList": [],
        "actionCollectionList": [],
        "datasourceList": [],
        "customJSLibList": [],
    }
    if root + "theme.json" in files:
        doc["editModeTheme"] = _object(files, "theme.json", root)

    by_page: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(files):
        if not path.startswith(root):
            continue
        rel = path[len(root) :]
        parts = rel.split("/")
        if parts[0] == "datasources" and len(parts) == 2 and rel.endswith(".json"):
            doc["datasourceList"].append(_object(files, rel, root))
        elif parts[0] == "jslibs" and len(parts) == 2 and rel.endswith(".json"):
            doc["customJSLibList"].append(_object(files, rel, root))
        elif parts[0] == "pages" and len(parts) >= 3:
            by_page[parts[1]][parts[2] if len(parts) > 3 else "page"].append("/".join(parts[2:]))

    for page_dir, groups in sorted(by_page.items()):
        page_file = f"pages/{page_dir}/{page_dir}.json" if version >= 5 else f"pages/{page_dir}/canvas.json"
        if root + page_file not in files:
            raise InvalidArchive(
                f"Page folder '{page_dir}' has no {page_file.rsplit('/', 1)[1]}.", details={"file": page_file}
            )
        page = _object(files, page_file, root)
        if version >= 5:
            widget_files: dict[str, dict[str, Any]] = {}
            for rel in groups.get("widgets", []):
                if rel.endswith(".json"):
                    widget = _object(files, f"pages/{page_dir}/{rel}", root)
                    widget_files[rel[len("widgets/") :]] = widget
            _rebuild_tree(page_dir, _dsl_of(page, page_file), widget_files)
        doc["pageList"].append(page)
        for kind_dir, list_key, body_ext in (
            ("queries", "actionList", ".txt"),
            ("jsobjects", "actionCollectionList", ".js"),
        ):
            names = sorted({rel.split("/")[1] for rel in groups.get(kind_dir, []) if rel.count("/") >= 2})
            for name in names:
                base = f"pages/{page_dir}/{kind_dir}/{name}/"
                if root + base + "metadata.json" not in files:
                    raise InvalidArchive(f"'{base}' has no metadata.json.", details={"file": base})
                entry = _object(files, base + "metadata.json", root)
                body_path = base + name + body_ext
                body = _text(files, body_path, root) if root + body_path in files else None
                if kind_dir == "queries":
                    _attach_query_body(entry, body, page_dir, body_path)
                else:
                    state = entry.get("unpublishedCollection")
                    if isinstance(state, dict):
                        state["pageId"] = page_dir
                        if body is not None:
                            state["body"] = body
                doc[list_key].append(entry)
    return doc, version


def _attach_query_body(entry: dict[str, Any], body: str | None, page_dir: str, path: str) -> None:
    state = entry.get("unpublishedAction")
    if not isinstance(state, dict):
        return
    state["pageId"] = page_dir  # the folder is the page, whatever id the metadata kept
    if body is None:
        return
    config = state.setdefault("actionConfiguration", {})
    if not isinstance(config, dict):
        return
    if entry.get("pluginType") == "REMOTE":
        # REMOTE plugins keep their form as JSON in the body file.
        try:
            config["formData"] = json.loads(body)
        except ValueError as exc:
            raise InvalidExport(f"'{path}' is not valid JSON.", details={"file": path}) from exc
    else:
        config["body"] = body
