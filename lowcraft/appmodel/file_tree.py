"""The application as files: one application document as a deterministic tree, and back.

A Git repository (issue 14), `lowcraft export --layout files` and `lowcraft check` hold an
application as this tree (docs/app-format.md, "Repository layout")::

    application.json                  format, name, slug, icon, settings, jsLibraries, page order
    theme.json                        the theme
    datasources/<file>.json           {"name", "connector", "settings"}: non-secret settings only
                                      (`settings` left out when empty)
    pages/<slug>/page.json            {"name", "isDefault", "hidden", "dsl"}: the widget tree
    pages/<slug>/queries/<name>.json  {"datasource", "connector", "settings", "config"}
    pages/<slug>/queries/<name>.sql   the query text in its own file: `sql` (.sql), a GraphQL
                                      `query` (.graphql), a REST `json_body` (.body.json), a
                                      placeholder's `body` (.txt); only when not empty
    pages/<slug>/js/<name>.js         a JS object's body
    pages/<slug>/js/<name>.json       {"settings"}: only when a function runs on page load or asks
                                      to confirm

Every JSON file has its keys sorted (a widget's `children` last, so a widget reads before its
children), two-space indents, UTF-8 without escapes and exactly one trailing newline. Volatile
fields never appear: no `exportedAt`, no page, action, JS object or datasource ids (widget ids stay:
they are part of the tree and stable). Names are per page, so two pages may each hold a `Table1`, a
`getOrders` and a `Utils`. Several applications may share one repository, each in its own folder
(`find_applications`, `split_applications`).

The stable API (the Git sync builds on it):

- `document_to_files(document) -> dict[str, bytes]`: relative POSIX paths to contents.
- `files_to_document(files) -> dict`: validates every file (JSON, the document's rules, the widget
  tree, per-page names) and raises `InvalidAppTree` naming the file. The result is the
  *normalized* document (`normalize_document`): what the tree stands for.
- `normalize_document(document) -> dict`: the document a tree round-trips to: volatile fields
  dropped, defaults filled in, page slugs filled in, actions, JS objects, datasources and JS
  libraries sorted by name, and every text that goes to its own file ending in a newline. It is
  the same application; `files_to_document(document_to_files(d)) == normalize_document(d)` and
  `document_to_files(files_to_document(files)) == files` for any tree this module wrote. Compare
  trees (bytes), not raw documents, to know whether an application changed.
- `recorded_settings(files)`: the datasource settings a tree records, by datasource name.
- `find_applications(paths)`, `split_applications(files)`: the application folders of a repository.
- `read_folder(path)`, `write_folder(path, files)`: a tree on disk (the command line's export and
  import; `write_folder` removes application files the new tree no longer has).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lowcraft.appmodel.document_format import (
    FORMAT,
    FORMAT_VERSION,
    ActionDoc,
    ApplicationDoc,
    DatasourceRefDoc,
    JsObjectDoc,
    PageDoc,
    parse_document,
)
from lowcraft.appmodel.errors import InvalidAppTree, InvalidDocument
from lowcraft.appmodel.naming import name_problem
from lowcraft.appmodel.tree import validate_tree, widget_names
from lowcraft.errors import LowcraftError
from lowcraft.slugs import slugify, unique_slug

_M = TypeVar("_M", bound=BaseModel)

APPLICATION_FILE = "application.json"
THEME_FILE = "theme.json"
PAGE_FILE = "page.json"
MAX_FILE_BYTES = 20_000_000
"""The largest single file read (a widget tree of thousands of widgets is a few MB)."""


@dataclass(frozen=True, slots=True)
class TextField:
    """A config key whose text goes to its own file beside the query's JSON."""

    key: str
    suffix: str
    connectors: frozenset[str] | None = None
    """The connectors whose actions have this field (None: any connector)."""

    def applies_to(self, connector: str) -> bool:
        return self.connectors is None or connector in self.connectors


TEXT_FIELDS: tuple[TextField, ...] = (
    TextField("sql", ".sql"),
    TextField("query", ".graphql", frozenset({"graphql"})),
    TextField("json_body", ".body.json"),
    TextField("body", ".txt", frozenset({"placeholder"})),
)
"""Which query text lives in its own file, in the order looked for (one per action at most)."""


# --- writing -------------------------------------------------------------------------------------


def _ordered(value: Any) -> Any:
    """`value` with every object's keys sorted, `children` last."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (k == "children", k))
        return {key: _ordered(value[key]) for key in keys}
    if isinstance(value, list):
        return [_ordered(item) for item in value]
    return value


def json_bytes(value: Any) -> bytes:
    """The canonical JSON text of a file of the tree."""
    return (json.dumps(_ordered(value), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _text_file(text: str) -> bytes:
    return _with_newline(text).encode("utf-8")


def _with_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def _text_field(connector: str, config: dict[str, Any]) -> TextField | None:
    for field in TEXT_FIELDS:
        value = config.get(field.key)
        if field.applies_to(connector) and isinstance(value, str) and value:
            return field
    return None


def normalize_document(document: Any) -> dict[str, Any]:
    """The document a tree of `document` reads back as (see the module docstring). Raises
    `InvalidDocument` when `document` is not a valid application document."""
    doc = parse_document(document)
    pages: list[dict[str, Any]] = []
    taken: set[str] = set()
    for page in doc.pages:
        slug = unique_slug(slugify(page.slug or page.name, "page"), taken)
        taken.add(slug)
        actions = []
        for action in sorted(page.actions, key=lambda a: a.name):
            entry = action.model_dump(by_alias=True, exclude={"id", "datasource_id"})
            field = _text_field(action.connector, entry["config"])
            if field is not None:
                entry["config"] = {**entry["config"], field.key: _with_newline(entry["config"][field.key])}
            actions.append(entry)
        js_objects = [
            {**js.model_dump(by_alias=True, exclude={"id"}), "body": _with_newline(js.body)}
            for js in sorted(page.js_objects, key=lambda j: j.name)
        ]
        pages.append({
            "name": page.name, "slug": slug, "isDefault": page.is_default, "hidden": page.hidden,
            "dsl": page.dsl, "actions": actions, "jsObjects": js_objects,
        })
    application = doc.application.model_dump(by_alias=True)
    application["jsLibraries"] = sorted(application["jsLibraries"], key=lambda library: library["name"])
    return {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "application": application,
        "datasources": [d.model_dump(by_alias=True) for d in sorted(doc.datasources, key=lambda d: d.name)],
        "pages": pages,
    }


def document_to_files(document: Any) -> dict[str, bytes]:
    """The tree of one application document: relative POSIX paths to file contents, sorted by path.
    Raises `InvalidDocument` when `document` is not a valid application document."""
    doc = normalize_document(document)
    files: dict[str, bytes] = {}
    application = dict(doc["application"])
    theme = application.pop("theme")
    files[APPLICATION_FILE] = json_bytes({
        "format": FORMAT, "formatVersion": FORMAT_VERSION, **application,
        "pages": [page["slug"] for page in doc["pages"]],
    })
    files[THEME_FILE] = json_bytes(theme)
    taken: set[str] = set()
    for datasource in doc["datasources"]:
        stem = unique_slug(slugify(datasource["name"], "datasource"), taken)
        taken.add(stem)
        files[f"datasources/{stem}.json"] = json_bytes(
            datasource if datasource["settings"] else {k: v for k, v in datasource.items() if k != "settings"}
        )
    for page in doc["pages"]:
        folder = f"pages/{page['slug']}"
        files[f"{folder}/{PAGE_FILE}"] = json_bytes(
            {"name": page["name"], "isDefault": page["isDefault"], "hidden": page["hidden"], "dsl": page["dsl"]}
        )
        for action in page["actions"]:
            config = dict(action["config"])
            field = _text_field(action["connector"], config)
            if field is not None:
                files[f"{folder}/queries/{action['name']}{field.suffix}"] = _text_file(config.pop(field.key))
            files[f"{folder}/queries/{action['name']}.json"] = json_bytes({
                "datasource": action["datasource"], "connector": action["connector"],
                "settings": action["settings"], "config": config,
            })
        for js in page["jsObjects"]:
            files[f"{folder}/js/{js['name']}.js"] = _text_file(js["body"])
            if js["settings"]:
                files[f"{folder}/js/{js['name']}.json"] = json_bytes({"settings": js["settings"]})
    return dict(sorted(files.items()))


# --- reading -------------------------------------------------------------------------------------


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _ApplicationFile(_File):
    format: str
    format_version: int = Field(alias="formatVersion")
    name: Any = None
    slug: Any = None
    icon: Any = "app"
    settings: Any = None
    js_libraries: Any = Field(None, alias="jsLibraries")
    pages: list[str] = Field(min_length=1)


class _PageFile(_File):
    name: Any = None
    is_default: Any = Field(False, alias="isDefault")
    hidden: Any = False
    dsl: dict[str, Any]


class _QueryFile(_File):
    datasource: Any = None
    connector: str
    settings: Any = None
    config: dict[str, Any] = Field(default_factory=dict)


class _JsSettingsFile(_File):
    settings: Any = None


def _fail(path: str, message: str) -> InvalidAppTree:
    return InvalidAppTree(f"{path}: {message}", path=path)


def _validation_problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def _model(model: type[_M], value: Any, path: str) -> _M:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise _fail(path, _validation_problem(exc)) from None


def _text(files: Mapping[str, bytes], path: str) -> str:
    data = files[path]
    if len(data) > MAX_FILE_BYTES:
        raise _fail(path, f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(path, "the file is not UTF-8 text") from None


def _json(files: Mapping[str, bytes], path: str) -> Any:
    try:
        return json.loads(_text(files, path))
    except json.JSONDecodeError as exc:
        raise _fail(path, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None


def _check_path(path: str) -> None:
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        raise _fail(path, "not a relative path inside the application folder")


def _ignored(path: str) -> bool:
    """Files a tree may hold beside the application: hidden ones and top-level notes."""
    parts = path.split("/")
    return any(p.startswith(".") for p in parts) or (len(parts) == 1 and parts[0].lower().endswith((".md", ".txt")))


@dataclass(slots=True)
class _PageFolder:
    slug: str
    page: str | None = None
    queries: dict[str, dict[str, str]] | None = None
    """Action name -> suffix -> path."""
    js: dict[str, dict[str, str]] | None = None


def _sort_files(files: Mapping[str, bytes]) -> tuple[list[str], dict[str, _PageFolder]]:
    """The datasource files and the page folders of a tree; any other file is an error."""
    datasources: list[str] = []
    pages: dict[str, _PageFolder] = {}
    for path in sorted(files):
        _check_path(path)
        if _ignored(path) or path in (APPLICATION_FILE, THEME_FILE):
            continue
        parts = path.split("/")
        if parts[0] == "datasources" and len(parts) == 2 and parts[1].endswith(".json"):
            datasources.append(path)
            continue
        if parts[0] == "pages" and len(parts) >= 3:
            folder = pages.setdefault(parts[1], _PageFolder(parts[1]))
            if len(parts) == 3 and parts[2] == PAGE_FILE:
                folder.page = path
                continue
            if len(parts) == 4 and parts[2] in ("queries", "js") and "." in parts[3]:
                name, dot, rest = parts[3].partition(".")
                suffix = dot + rest
                allowed = (
                    {".json", *(f.suffix for f in TEXT_FIELDS)} if parts[2] == "queries" else {".json", ".js"}
                )
                if suffix in allowed:
                    group = folder.queries if parts[2] == "queries" else folder.js
                    if group is None:
                        group = {}
                        if parts[2] == "queries":
                            folder.queries = group
                        else:
                            folder.js = group
                    group.setdefault(name, {})[suffix] = path
                    continue
        raise _fail(path, "not part of the application layout (docs/app-format.md, \"Repository layout\")")
    return datasources, pages


def _check_names(page_path: str, page_name: str, dsl: dict[str, Any], entities: list[tuple[str, str]]) -> None:
    """Widget, action and JS object names of one page: valid and unique on the page."""
    try:
        names = set(widget_names(validate_tree(dsl)))
    except LowcraftError as exc:
        raise _fail(page_path, exc.message) from None
    for name, path in entities:
        problem = name_problem(name)
        if problem:
            raise _fail(path, problem)
        if name in names:
            raise _fail(path, f"the name '{name}' is already used on page '{page_name}'")
        names.add(name)


def files_to_document(files: Mapping[str, bytes]) -> dict[str, Any]:
    """The normalized application document of one application's tree (paths relative to its
    folder). Raises `InvalidAppTree`, whose message starts with the path of the faulty file."""
    if APPLICATION_FILE not in files:
        raise _fail(APPLICATION_FILE, "missing: a Lowcraft application folder holds an application.json")
    datasource_paths, folders = _sort_files(files)
    raw_app = _json(files, APPLICATION_FILE)
    if not isinstance(raw_app, dict) or raw_app.get("format") != FORMAT:
        raise _fail(APPLICATION_FILE, f"not a Lowcraft application (\"format\" must be \"{FORMAT}\")")
    app_file = _model(_ApplicationFile, raw_app, APPLICATION_FILE)
    if app_file.format_version < 1 or app_file.format_version > FORMAT_VERSION:
        raise _fail(APPLICATION_FILE, f"unsupported formatVersion {app_file.format_version}; "
                                      f"this Lowcraft reads versions 1 to {FORMAT_VERSION}")
    theme = _json(files, THEME_FILE) if THEME_FILE in files else {}
    if not isinstance(theme, dict):
        raise _fail(THEME_FILE, "the theme must be a JSON object")
    application: dict[str, Any] = {
        "name": app_file.name, "slug": app_file.slug, "icon": app_file.icon, "theme": theme,
        **({"settings": app_file.settings} if app_file.settings is not None else {}),
        **({"jsLibraries": app_file.js_libraries} if app_file.js_libraries is not None else {}),
    }
    _model(ApplicationDoc, application, APPLICATION_FILE)

    datasources: list[dict[str, Any]] = []
    seen_datasources: dict[str, str] = {}
    for path in datasource_paths:
        ref = _model(DatasourceRefDoc, _json(files, path), path)
        if ref.name in seen_datasources:
            raise _fail(path, f"the datasource '{ref.name}' is also defined in {seen_datasources[ref.name]}")
        seen_datasources[ref.name] = path
        datasources.append(ref.model_dump(by_alias=True))

    listed = app_file.pages
    for slug in listed:
        if listed.count(slug) > 1:
            raise _fail(APPLICATION_FILE, f"the page '{slug}' is listed twice in \"pages\"")
        if slug not in folders:
            raise _fail(APPLICATION_FILE, f"the page '{slug}' is listed but pages/{slug}/page.json does not exist")
    for slug in folders:
        if slug not in listed:
            raise _fail(f"pages/{slug}", f"this page folder is not listed in {APPLICATION_FILE} \"pages\"")
    pages: list[dict[str, Any]] = []
    page_names: dict[str, str] = {}
    for slug in listed:
        pages.append(_read_page(files, folders[slug], page_names))
    document = {
        "format": FORMAT, "formatVersion": app_file.format_version, "application": application,
        "datasources": datasources, "pages": pages,
    }
    try:
        return normalize_document(document)
    except InvalidDocument as exc:  # a rule across files (JS library globals against entity names)
        raise _fail(APPLICATION_FILE, exc.message) from None


def _read_page(files: Mapping[str, bytes], folder: _PageFolder, page_names: dict[str, str]) -> dict[str, Any]:
    base = f"pages/{folder.slug}"
    if slugify(folder.slug, "") != folder.slug:
        raise _fail(base, "a page folder's name is the page's slug: lower-case letters, digits and dashes")
    if folder.page is None:
        raise _fail(f"{base}/{PAGE_FILE}", "missing: every page folder holds a page.json")
    page_file = _model(_PageFile, _json(files, folder.page), folder.page)
    page_doc = _model(
        PageDoc,
        {"name": page_file.name, "slug": folder.slug, "isDefault": page_file.is_default,
         "hidden": page_file.hidden, "dsl": page_file.dsl},
        folder.page,
    )
    if page_doc.name in page_names:
        raise _fail(folder.page, f"the page name '{page_doc.name}' is also used by {page_names[page_doc.name]}")
    page_names[page_doc.name] = folder.page
    actions: list[dict[str, Any]] = []
    entities: list[tuple[str, str]] = []
    for name, parts in sorted((folder.queries or {}).items()):
        meta_path = parts.get(".json")
        if meta_path is None:
            raise _fail(next(iter(parts.values())), f"the query '{name}' has no {base}/queries/{name}.json")
        query = _model(_QueryFile, _json(files, meta_path), meta_path)
        config = dict(query.config)
        for suffix, path in parts.items():
            if suffix == ".json":
                continue
            field = next(f for f in TEXT_FIELDS if f.suffix == suffix)
            if not field.applies_to(query.connector):
                raise _fail(path, f"a {query.connector} query has no {suffix} text")
            if field.key in config:
                raise _fail(path, f"\"{field.key}\" is both in this file and in {meta_path}; keep one")
            if len(parts) > 2:
                raise _fail(path, f"the query '{name}' has more than one text file")
            config[field.key] = _text(files, path)
        entry = {"name": name, "datasource": query.datasource, "connector": query.connector, "config": config,
                 **({"settings": query.settings} if query.settings is not None else {})}
        _model(ActionDoc, entry, meta_path)
        actions.append(entry)
        entities.append((name, meta_path))
    js_objects: list[dict[str, Any]] = []
    for name, parts in sorted((folder.js or {}).items()):
        body_path = parts.get(".js")
        if body_path is None:
            raise _fail(parts[".json"], f"the JS object '{name}' has no {base}/js/{name}.js")
        entry = {"name": name, "body": _text(files, body_path)}
        if ".json" in parts:
            settings = _model(_JsSettingsFile, _json(files, parts[".json"]), parts[".json"]).settings
            entry["settings"] = settings if settings is not None else {}
            _model(JsObjectDoc, entry, parts[".json"])
        else:
            _model(JsObjectDoc, entry, body_path)
        js_objects.append(entry)
        entities.append((name, body_path))
    _check_names(folder.page, page_doc.name, page_doc.dsl, entities)
    return {
        "name": page_doc.name, "slug": folder.slug, "isDefault": page_doc.is_default, "hidden": page_doc.hidden,
        "dsl": page_doc.dsl, "actions": actions, "jsObjects": js_objects,
    }


def recorded_settings(files: Mapping[str, bytes]) -> dict[str, tuple[str, dict[str, Any]]]:
    """The connector and settings each `datasources/*.json` of a tree records, by datasource name;
    files that do not read as a datasource are left out (`files_to_document` reports them)."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted(files):
        parts = path.split("/")
        if len(parts) != 2 or parts[0] != "datasources" or not parts[1].endswith(".json"):
            continue
        try:
            ref = DatasourceRefDoc.model_validate(json.loads(files[path].decode("utf-8")))
        except (ValueError, ValidationError):
            continue
        out.setdefault(ref.name, (ref.connector, ref.settings))
    return out


# --- repositories --------------------------------------------------------------------------------


def find_applications(paths: Iterable[str]) -> list[str]:
    """The application folders among a repository's file paths: each folder holding an
    `application.json` ("" for the repository's root), sorted."""
    folders = set()
    for path in paths:
        pure = PurePosixPath(path)
        if pure.name == APPLICATION_FILE and not any(p.startswith(".") for p in pure.parts):
            folders.add("" if str(pure.parent) == "." else str(pure.parent))
    return sorted(folders)


def split_applications(files: Mapping[str, bytes]) -> dict[str, dict[str, bytes]]:
    """A repository's files by application folder, each with paths relative to its folder. Files
    outside every application folder are left out; an application folder inside another's is an
    `InvalidAppTree`."""
    folders = find_applications(files)
    for outer in folders:
        for inner in folders:
            if inner != outer and (outer == "" or inner.startswith(outer + "/")):
                raise _fail(f"{inner}/{APPLICATION_FILE}",
                            f"an application folder inside another application's folder ('{outer or '.'}')")
    out: dict[str, dict[str, bytes]] = {folder: {} for folder in folders}
    for path, data in files.items():
        for folder in folders:
            if folder == "":
                out[folder][path] = data
            elif path.startswith(folder + "/"):
                out[folder][path[len(folder) + 1:]] = data
    return out


def read_folder(folder: Path) -> dict[str, bytes]:
    """The files below `folder` by relative POSIX path, leaving out hidden entries (`.git`).
    A symbolic link is an `InvalidAppTree`: a tree is plain files."""
    if not folder.is_dir():
        raise InvalidAppTree(f"{folder}: not a folder", path=str(folder))
    files: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        if path.is_symlink():
            raise _fail(relative, "a symbolic link; an application tree holds plain files only")
        if path.is_file():
            files[relative] = path.read_bytes()
    return files


def write_folder(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write a tree into `folder` (created when missing). When the folder holds an earlier tree
    (an `application.json`), its files this one lacks (pages, queries, JS objects and datasources
    removed since) are deleted; files outside the layout and hidden ones (`.git`) are left alone,
    and nothing is deleted from a folder that held no application."""
    folder.mkdir(parents=True, exist_ok=True)
    earlier = sorted(folder.rglob("*"), reverse=True) if (folder / APPLICATION_FILE).is_file() else []
    for old in earlier:
        relative = old.relative_to(folder).as_posix()
        if relative.split("/")[0] not in ("pages", "datasources") or any(p.startswith(".") for p in relative.split("/")):
            continue
        if old.is_file() and relative not in files:
            old.unlink()
        elif old.is_dir() and not old.is_symlink() and not any(old.iterdir()):
            old.rmdir()
    for relative, data in files.items():
        _check_path(relative)
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
