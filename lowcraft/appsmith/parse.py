"""An Appsmith export document (the single-file JSON form, or the same shape rebuilt from a Git
repository) -> the typed model.

What changed across the versions Appsmith has written since 2022, and how each is read:
- schema versions: `serverSchemaVersion`/`clientSchemaVersion` are numbers (written `7.0` by some
  versions, missing in the oldest exports); a version newer than `SERVER_SCHEMA_VERSIONS` /
  `CLIENT_SCHEMA_VERSIONS` is refused with UnsupportedVersion rather than half-read.
- pages: the edit state is `unpublishedPage` (fallback `publishedPage`), its widget tree in
  `layouts[0].dsl` (older layouts also carry `publishedDsl`; some exports `publishedLayouts`).
- run on page load: `executeOnLoad` (a boolean) until 2025, then `runBehaviour`
  (`ON_PAGE_LOAD` / `MANUAL` / `AUTOMATIC`); both are read, `runBehaviour` wins.
- JS functions: once embedded in their collection (`unpublishedCollection.actions`), later separate
  `actionList` entries of plugin type JS naming their collection (`collectionId`,
  `fullyQualifiedName`); both are read, the separate entry wins.
- secrets: old exports carry `decryptedFields` and datasource configurations; neither is read.
"""

from __future__ import annotations

from typing import Any, cast

from lowcraft.appsmith.errors import InvalidExport, UnsupportedVersion
from lowcraft.appsmith.model import (
    AppsmithAction,
    AppsmithApp,
    AppsmithDatasource,
    AppsmithJsFunction,
    AppsmithJsLib,
    AppsmithJsObject,
    AppsmithPage,
    AppsmithTheme,
    RunBehaviour,
    SourceForm,
)

SERVER_SCHEMA_VERSIONS = list(range(1, 13))
"""Server schema versions read: 1 (early 2022) to 12 (2025, `runBehaviour`)."""
CLIENT_SCHEMA_VERSIONS = [1, 2]
"""Client (widget DSL) schema versions read."""

# Plugins whose first `pluginSpecifiedTemplates` entry is the "use prepared statement" switch.
PREPARED_STATEMENT_PLUGINS = frozenset({"postgres-plugin", "mysql-plugin", "mssql-plugin", "redshift-plugin"})
RUN_BEHAVIOURS: frozenset[str] = frozenset({"ON_PAGE_LOAD", "MANUAL", "AUTOMATIC"})
EMBEDDED_REST_DATASOURCE = "DEFAULT_REST_DATASOURCE"


def _dict(value: Any) -> dict[str, Any]:
    return cast(dict[str, Any], value) if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _flag(value: Any, default: bool = False) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def _whole(value: Any) -> int | None:
    """A whole number from an int, a float like 7.0, or a numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and value == int(value):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _schema_version(doc: dict[str, Any], key: str, understood: list[int]) -> int | None:
    raw = doc.get(key)
    if raw is None:
        return None
    version = _whole(raw)
    if version is None:
        raise InvalidExport(f"'{key}' must be a number, not {raw!r}.", details={"field": key})
    if version > understood[-1]:
        raise UnsupportedVersion(key, raw, understood)
    return version


def _name(state: dict[str, Any], what: str, index: int) -> str:
    name = state.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidExport(f"{what} #{index + 1} has no name.", details={"index": index})
    return name


def _deleted(entry: dict[str, Any], state: dict[str, Any]) -> bool:
    return bool(entry.get("deleted") is True or state.get("deletedAt") or state.get("archivedAt"))


def _edit_state(entry: Any, edit_key: str, published_key: str) -> dict[str, Any]:
    entry = _dict(entry)
    return _dict(entry.get(edit_key)) or _dict(entry.get(published_key))


def _run_behaviour(state: dict[str, Any]) -> RunBehaviour:
    behaviour = state.get("runBehaviour")
    if isinstance(behaviour, str) and behaviour in RUN_BEHAVIOURS:
        return cast(RunBehaviour, behaviour)
    return "ON_PAGE_LOAD" if _flag(state.get("executeOnLoad")) else "MANUAL"


def _pairs(value: Any) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for item in _list(value):
        item = _dict(item)
        key = item.get("key")
        if isinstance(key, str) and key:
            pairs.append((key, item.get("value")))
    return pairs


MONGO_ESCAPE_PREFIX = "appsmith_mongo_escape_"


def _unescape_keys(value: Any) -> Any:
    """Undo the key escaping Appsmith applied for MongoDB (`_id` was stored as `appsmith_mongo_escape_id`)."""
    if isinstance(value, dict):
        return {
            (
                "_" + key[len(MONGO_ESCAPE_PREFIX) :] if key.startswith(MONGO_ESCAPE_PREFIX) else key
            ): _unescape_keys(v)
            for key, v in value.items()
        }
    if isinstance(value, list):
        return [_unescape_keys(v) for v in value]
    return value


def _unescape_widgets(dsl: dict[str, Any], names: set[str]) -> None:
    """Unescape the properties of the widgets an export lists as escaped, in place."""
    stack = [dsl]
    while stack:
        widget = stack.pop()
        children = _list(widget.get("children"))
        if widget.get("widgetName") in names:
            for key, value in list(widget.items()):
                if key != "children":
                    widget[key] = _unescape_keys(value)
        stack.extend(c for c in children if isinstance(c, dict))


def _pages(doc: dict[str, Any], application: dict[str, Any]) -> list[AppsmithPage]:
    order = [_dict(p) for p in _list(application.get("pages")) or _list(application.get("publishedPages"))]
    if not order:
        # Older exports give the order and default page at the top level instead.
        order = [{"id": name} for name in _list(doc.get("pageOrder")) if isinstance(name, str)]
    default_names = {p.get("id") for p in order if p.get("isDefault") is True}
    if not default_names and isinstance(doc.get("unpublishedDefaultPageName"), str):
        default_names = {doc["unpublishedDefaultPageName"]}
    escaped = _dict(doc.get("unpublishedLayoutmongoEscapedWidgets"))
    pages: list[AppsmithPage] = []
    entries = doc.get("pageList")
    if not isinstance(entries, list):
        raise InvalidExport("The export has no 'pageList'.", details={"field": "pageList"})
    for index, entry in enumerate(entries):
        state = _edit_state(entry, "unpublishedPage", "publishedPage")
        if not state:
            raise InvalidExport(f"Page #{index + 1} has neither unpublishedPage nor publishedPage.")
        if _deleted(_dict(entry), state):
            continue
        name = _name(state, "Page", index)
        if any(page.name == name for page in pages):
            raise InvalidExport(f"The export has two pages named '{name}'.", details={"page": name})
        layouts = _list(state.get("layouts")) or _list(_dict(entry).get("publishedLayouts"))
        layout = _dict(layouts[0]) if layouts else {}
        dsl = _dict(layout.get("dsl")) or _dict(layout.get("publishedDsl"))
        if not dsl:
            raise InvalidExport(f"Page '{name}' has no widget tree (layouts[0].dsl).", details={"page": name})
        names = {w for w in _list(escaped.get(name)) if isinstance(w, str)}
        if names:
            _unescape_widgets(dsl, names)
        groups = _list(layout.get("layoutOnLoadActions")) or _list(layout.get("publishedLayoutOnLoadActions"))
        on_load = [
            action["name"]
            for group in groups
            for action in _list(group)
            if isinstance(action, dict) and isinstance(action.get("name"), str)
        ]
        pages.append(
            AppsmithPage(
                name=name,
                slug=_str(state.get("slug")),
                is_default=name in default_names,
                hidden=_flag(state.get("isHidden")),
                dsl=dsl,
                on_load_actions=on_load,
            )
        )
    if not pages:
        raise InvalidExport("The export has no pages.", details={"field": "pageList"})
    rank = {p.get("id"): i for i, p in enumerate(order)}
    pages.sort(key=lambda page: rank.get(page.name, len(rank)))
    if not any(page.is_default for page in pages):
        pages[0].is_default = True
    return pages


def _action(entry: dict[str, Any], state: dict[str, Any], name: str, shared: set[str]) -> AppsmithAction:
    plugin_id = _str(entry.get("pluginId")) or _str(_dict(state.get("datasource")).get("pluginId")) or ""
    config = _dict(state.get("actionConfiguration"))
    datasource = _dict(state.get("datasource"))
    # Exports name a shared datasource by `name`, or (2021-2022) only by `id`, which is its name.
    ds_name = _str(datasource.get("name")) or _str(datasource.get("id"))
    embedded_url: str | None = None
    if (
        ds_name is None
        or ds_name not in shared
        and (ds_name == EMBEDDED_REST_DATASOURCE or "datasourceConfiguration" in datasource)
    ):
        # An API's own URL, stored in an unnamed datasource inside the action; only its URL is read.
        embedded_url = _str(_dict(datasource.get("datasourceConfiguration")).get("url"))
        ds_name = None
    templates = _list(config.get("pluginSpecifiedTemplates"))
    prepared: bool | None = None
    if plugin_id in PREPARED_STATEMENT_PLUGINS:
        first = _dict(templates[0]) if templates else {}
        prepared = _flag(first.get("value"), default=True)
    return AppsmithAction(
        name=name,
        page=_str(state.get("pageId")) or "",
        plugin_id=plugin_id,
        plugin_type=_str(entry.get("pluginType")),
        datasource=ds_name,
        embedded_url=embedded_url,
        http_method=_str(config.get("httpMethod")),
        path=_str(config.get("path")),
        body=_str(config.get("body")),
        headers=_pairs(config.get("headers")),
        query_parameters=_pairs(config.get("queryParameters")),
        form_data=_dict(config.get("formData")),
        plugin_specified_templates=templates,
        run_behaviour=_run_behaviour(state),
        confirm_before_execute=_flag(state.get("confirmBeforeExecute")),
        timeout_ms=_whole(config.get("timeoutInMillisecond")),
        prepared_statements=prepared,
        configuration=config,
    )


def _js_function(state: dict[str, Any], name: str) -> AppsmithJsFunction:
    config = _dict(state.get("actionConfiguration"))
    is_async = config.get("isAsync", state.get("isAsync"))
    return AppsmithJsFunction(
        name=name,
        run_behaviour=_run_behaviour(state),
        confirm_before_execute=_flag(state.get("confirmBeforeExecute")),
        is_async=is_async if isinstance(is_async, bool) else None,
    )


def _js_objects(
    doc: dict[str, Any], js_actions: list[tuple[dict[str, Any], dict[str, Any]]]
) -> list[AppsmithJsObject]:
    objects: list[AppsmithJsObject] = []
    by_id: dict[str, AppsmithJsObject] = {}
    by_key: dict[tuple[str, str], AppsmithJsObject] = {}
    for index, entry in enumerate(_list(doc.get("actionCollectionList"))):
        state = _edit_state(entry, "unpublishedCollection", "publishedCollection")
        if not state or _deleted(_dict(entry), state):
            continue
        name = _name(state, "JS object", index)
        obj = AppsmithJsObject(
            name=name,
            page=_str(state.get("pageId")) or "",
            body=_str(state.get("body")) or "",
            variables=[
                v["name"] for v in _list(state.get("variables")) if isinstance(_dict(v).get("name"), str)
            ],
        )
        for embedded in _list(state.get("actions")):
            fn_state = _dict(embedded)
            fn_name = _str(fn_state.get("name"))
            if fn_name:
                obj.functions.append(_js_function(fn_state, fn_name))
        objects.append(obj)
        for key in (_str(_dict(entry).get("id")), _str(state.get("id"))):
            if key:
                by_id[key] = obj
        by_key[(obj.page, name)] = obj
    for entry, state in js_actions:
        fn_name = _str(state.get("name"))
        if not fn_name:
            continue
        owner: AppsmithJsObject | None = None
        qualified = _str(state.get("fullyQualifiedName"))
        if qualified and "." in qualified:
            owner = by_key.get((_str(state.get("pageId")) or "", qualified.split(".", 1)[0]))
        collection_id = _str(state.get("collectionId"))
        if owner is None and collection_id:
            owner = by_id.get(collection_id)
        if owner is None:
            continue
        function = _js_function(state, fn_name)
        owner.functions = [f for f in owner.functions if f.name != fn_name] + [function]
    return objects


def _theme(doc: dict[str, Any]) -> AppsmithTheme | None:
    theme = _dict(doc.get("editModeTheme")) or _dict(doc.get("publishedTheme"))
    if not theme:
        return None
    return AppsmithTheme(
        name=_str(theme.get("name")) or "Default",
        display_name=_str(theme.get("displayName")),
        properties=_dict(theme.get("properties")),
        is_system=_flag(theme.get("isSystemTheme")),
    )


def parse_export(
    doc: Any, *, source_form: SourceForm = "json", file_format_version: int | None = None
) -> AppsmithApp:
    """The model of an Appsmith export document; InvalidExport / UnsupportedVersion when it is not one."""
    if not isinstance(doc, dict) or not isinstance(doc.get("exportedApplication"), dict):
        raise InvalidExport(
            "This JSON is not an Appsmith export: it has no 'exportedApplication'.",
            details={"field": "exportedApplication"},
        )
    doc = cast(dict[str, Any], doc)
    server = _schema_version(doc, "serverSchemaVersion", SERVER_SCHEMA_VERSIONS)
    client = _schema_version(doc, "clientSchemaVersion", CLIENT_SCHEMA_VERSIONS)
    application = _dict(doc["exportedApplication"])
    detail = _dict(application.get("unpublishedApplicationDetail")) or _dict(
        application.get("applicationDetail")
    )
    settings: dict[str, Any] = {}
    for key in ("appPositioning", "themeSetting", "appLayout"):
        if key in detail:
            settings[key] = detail[key]
    if "unpublishedAppLayout" in application:
        settings["appLayout"] = application["unpublishedAppLayout"]
    for key in ("evaluationVersion", "applicationVersion", "isPublic"):
        if key in application:
            settings[key] = application[key]

    datasources: list[AppsmithDatasource] = []
    for index, entry in enumerate(_list(doc.get("datasourceList"))):
        entry = _dict(entry)
        datasources.append(
            AppsmithDatasource(
                name=_name(entry, "Datasource", index), plugin_id=_str(entry.get("pluginId")) or ""
            )
        )
    shared = {ds.name for ds in datasources}

    actions: list[AppsmithAction] = []
    js_actions: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for index, raw in enumerate(_list(doc.get("actionList"))):
        entry = _dict(raw)
        state = _edit_state(entry, "unpublishedAction", "publishedAction")
        if not state or _deleted(entry, state):
            continue
        if (
            entry.get("pluginType") == "JS"
            or entry.get("pluginId") == "js-plugin"
            or state.get("collectionId")
        ):
            js_actions.append((entry, state))
            continue
        actions.append(_action(entry, state, _name(state, "Query", index), shared))

    libs: list[AppsmithJsLib] = []
    for index, raw in enumerate(_list(doc.get("customJSLibList"))):
        lib = _dict(raw)
        url = _str(lib.get("url"))
        if not url:
            raise InvalidExport(f"JS library #{index + 1} has no url.", details={"index": index})
        accessors = [a for a in _list(lib.get("accessor")) if isinstance(a, str)]
        libs.append(
            AppsmithJsLib(
                name=_str(lib.get("name")) or (accessors[0] if accessors else url),
                url=url,
                accessors=accessors,
                version=_str(lib.get("version")),
            )
        )

    return AppsmithApp(
        name=_str(application.get("name")) or "Imported app",
        source_form=source_form,
        server_schema_version=server,
        client_schema_version=client,
        file_format_version=file_format_version,
        slug=_str(application.get("slug")),
        icon=_str(application.get("icon")),
        color=_str(application.get("color")),
        theme=_theme(doc),
        navigation=_dict(detail.get("navigationSetting")),
        settings=settings,
        pages=_pages(doc, application),
        actions=actions,
        js_objects=_js_objects(doc, js_actions),
        datasources=datasources,
        js_libs=libs,
    )
