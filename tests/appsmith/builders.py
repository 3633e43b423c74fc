"""Appsmith-format apps written for these tests (not taken from Appsmith), in every form.

`orders_app()` describes one app once - pages with Appsmith widget trees, queries of several
plugins, JS objects with on-load functions, a JS library, datasources (one of a plugin Lowcraft
lacks) - and the writers below render it as Appsmith would have exported it:
- `single_file(app, era)`: the single-file JSON export as written in 2022 (`legacy`: JS functions
  inside their collection, `publishedDsl`, `decryptedFields`), 2023 (`v2023`: JS functions as
  separate actions, `executeOnLoad`) or 2025 (`v2025`: `runBehaviour`);
- `git_files(app, version)`: the Git repository layout, fileFormatVersion 4 or 5;
- `zip_of(files)`: a zip of either.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

SECRET = "s3cr3t-SENTINEL-do-not-import"

Widget = dict[str, Any]


def w(name: str, wtype: str, left: int, right: int, top: int, bottom: int, **props: Any) -> Widget:
    """A widget as Appsmith stores it: grid position in rows, editor bookkeeping included."""
    return {
        "widgetName": name,
        "widgetId": f"id_{name.lower()}",
        "type": wtype,
        "leftColumn": left,
        "rightColumn": right,
        "topRow": top,
        "bottomRow": bottom,
        "parentRowSpace": 10,
        "parentColumnSpace": 12.5,
        "version": 1,
        "renderMode": "CANVAS",
        "isLoading": False,
        "dynamicBindingPathList": [],
        "dynamicTriggerPathList": [],
        **props,
    }


def canvas(name: str, height_px: int, *children: Widget, **props: Any) -> Widget:
    """A canvas inside a container: its bottomRow is in pixels."""
    return {
        "widgetName": name,
        "widgetId": f"id_{name.lower()}",
        "type": "CANVAS_WIDGET",
        "leftColumn": 0,
        "rightColumn": 634,
        "topRow": 0,
        "bottomRow": height_px,
        "minHeight": height_px,
        "parentRowSpace": 1,
        "parentColumnSpace": 1,
        "canExtend": False,
        "detachFromLayout": True,
        "children": list(children),
        **props,
    }


def holding(parent: Widget, *children: Widget) -> Widget:
    """Set each child's parentId to `parent` (as Appsmith does) and return `parent`."""
    for child in children:
        child["parentId"] = parent["widgetId"]
    return parent


def main_container(height_px: int, *children: Widget) -> Widget:
    root = {
        "widgetName": "MainContainer",
        "widgetId": "0",
        "type": "CANVAS_WIDGET",
        "leftColumn": 0,
        "rightColumn": 1224,
        "topRow": 0,
        "bottomRow": height_px,
        "minHeight": height_px,
        "parentRowSpace": 1,
        "parentColumnSpace": 1,
        "snapColumns": 64,
        "snapRows": height_px // 10,
        "canExtend": True,
        "version": 89,
        "detachFromLayout": True,
        "dynamicBindingPathList": [],
        "children": list(children),
    }
    return holding(root, *children)


@dataclass
class Query:
    name: str
    page: str
    plugin: str
    plugin_type: str
    datasource: str | None
    config: dict[str, Any]
    on_load: bool = False
    confirm: bool = False


@dataclass
class JsFn:
    name: str
    on_load: bool = False
    confirm: bool = False
    is_async: bool = False


@dataclass
class JsObj:
    name: str
    page: str
    body: str
    functions: list[JsFn]


@dataclass
class Page:
    name: str
    dsl: Widget
    on_load: list[str] = field(default_factory=list)
    default: bool = False


@dataclass
class App:
    name: str
    pages: list[Page]
    queries: list[Query]
    js_objects: list[JsObj]
    datasources: list[tuple[str, str]]
    libs: list[dict[str, Any]]
    theme: dict[str, Any]
    navigation: dict[str, Any]


def orders_page() -> Page:
    text1 = w("Text1", "TEXT_WIDGET", 0, 30, 0, 4, text="Order {{Table1.selectedRow.id}}")
    form_button = w(
        "FormButton1",
        "FORM_BUTTON_WIDGET",
        40,
        60,
        30,
        34,
        text="Delete",
        buttonStyle="DANGER_BUTTON",
        disabledWhenInvalid=True,
        onClick="{{deleteOrder.run()}}",
        dynamicTriggerPathList=[{"key": "onClick"}],
    )
    text2 = w("Text2", "TEXT_WIDGET", 0, 20, 0, 4, text="inner")
    container1 = w("Container1", "CONTAINER_WIDGET", 0, 64, 6, 18, backgroundColor="#FFFFFF")
    container1["children"] = [holding(canvas("Canvas3", 120, text2), text2)]
    holding(container1, container1["children"][0])
    form_canvas = holding(
        canvas("Canvas2", 400, text1, form_button, container1), text1, form_button, container1
    )
    form1 = w("Form1", "FORM_WIDGET", 0, 32, 30, 70, children=[form_canvas])
    holding(form1, form_canvas)

    button1 = w("Button1", "BUTTON_WIDGET", 0, 16, 0, 4, text="Go", buttonStyle="PRIMARY_BUTTON")
    map1 = w("Map1", "MAP_WIDGET", 0, 40, 0, 20, mapCenter={"lat": 1, "long": 2}, zoomLevel=50)
    tab_a = holding(canvas("CanvasTabA", 280, button1, tabId="tab1", tabName="One"), button1)
    tab_b = holding(canvas("CanvasTabB", 280, map1, tabId="tab2", tabName="Two"), map1)
    tabs1 = w(
        "Tabs1",
        "TABULATOR_WIDGET",
        34,
        64,
        30,
        60,
        selectedTab="One",
        tabs=[
            {"id": "tab1", "label": "One", "widgetId": tab_a["widgetId"]},
            {"id": "tab2", "label": "Two", "widgetId": tab_b["widgetId"]},
        ],
        children=[tab_a, tab_b],
    )
    holding(tabs1, tab_a, tab_b)

    text3 = w("Text3", "TEXT_WIDGET", 0, 40, 0, 4, text="Sure?")
    close = w("Close1", "BUTTON_WIDGET", 44, 64, 20, 24, text="Close", onClick="{{closeModal(Modal1.name)}}")
    modal_canvas = holding(canvas("Canvas4", 240, text3, close), text3, close)
    modal1 = w("Modal1", "MODAL_WIDGET", 12, 36, 8, 50, height=240, width=456, children=[modal_canvas])
    holding(modal1, modal_canvas)

    text4 = w("Text4", "TEXT_WIDGET", 0, 40, 0, 4, text="{{currentItem.name}}")
    template_canvas = holding(canvas("Canvas6", 80, text4), text4)
    container2 = w("Container2", "CONTAINER_WIDGET", 0, 64, 0, 8, children=[template_canvas])
    holding(container2, template_canvas)
    list_canvas = holding(canvas("Canvas5", 400, container2), container2)
    list1 = w(
        "List1", "LIST_WIDGET_V2", 0, 24, 72, 112, listData="{{getOrders.data}}", children=[list_canvas]
    )
    holding(list1, list_canvas)

    table1 = w(
        "Table1",
        "TABLE_WIDGET",
        0,
        64,
        0,
        28,
        tableData="{{getOrders.data}}",
        defaultSelectedRow="0",
        multiRowSelection=False,
        derivedColumns={},
        hiddenColumns=["secret"],
        primaryColumns={
            "id": {"id": "id", "label": "id", "columnType": "number", "computedValue": "{{currentRow.id}}"},
            "secret": {"id": "secret", "label": "secret", "columnType": "text"},
        },
        onRowSelected="{{Utils.fmt(Table1.selectedRow)}}",
        dynamicBindingPathList=[{"key": "tableData"}, {"key": "primaryColumns.id.computedValue"}],
    )
    input1 = w("Input1", "INPUT_WIDGET", 0, 20, 114, 118, inputType="INTEGER", label="Qty", defaultText="1")
    select1 = w(
        "Select1",
        "DROP_DOWN_WIDGET",
        24,
        44,
        114,
        118,
        label="Status",
        selectionType="SINGLE_SELECT",
        options=[{"label": "Open", "value": "open"}, {"label": "Done", "value": "done"}],
        defaultOptionValue="open",
        onOptionChange="{{getOrders.run()}}",
    )
    recorder1 = w("Recorder1", "AUDIO_RECORDER_WIDGET", 48, 64, 114, 118, accentColor="#553DE9", iconColor="#FFFFFF")
    dsl = main_container(1240, table1, form1, tabs1, modal1, list1, input1, select1, recorder1)
    return Page("Orders", dsl, on_load=["getOrders", "Utils.init"], default=True)


def customers_page() -> Page:
    # Names reused from the Orders page: Appsmith names are per page.
    text1 = w("Text1", "TEXT_WIDGET", 0, 30, 0, 4, text="{{fetchUsers.data.length}} customers")
    deep = w("Deep1", "TEXT_WIDGET", 0, 30, 10, 14, text="below the fold")
    container3 = w("Container3", "CONTAINER_WIDGET", 0, 64, 6, 16)
    container3["children"] = [holding(canvas("Canvas7", 140, deep), deep)]
    holding(container3, container3["children"][0])
    dsl = main_container(600, text1, container3)
    return Page("Customers", dsl, on_load=["fetchUsers", "Utils.init"])


UTILS_BODY = """export default {
  fmt(row) { return JSON.stringify(row) },
  async init() { await getOrders.run(); storeValue('ready', true) },
  danger() { return deleteOrder.run() },
}"""


def orders_app() -> App:
    sql = {"timeoutInMillisecond": 12000, "paginationType": "NONE", "encodeParamsToggle": True}
    return App(
        name="Orders admin",
        pages=[orders_page(), customers_page()],
        queries=[
            Query(
                "getOrders",
                "Orders",
                "postgres-plugin",
                "DB",
                "Orders DB",
                {
                    **sql,
                    "body": "select * from orders where status = {{Select1.selectedOptionValue}}",
                    "pluginSpecifiedTemplates": [{"value": True}],
                },
                on_load=True,
            ),
            Query(
                "deleteOrder",
                "Orders",
                "postgres-plugin",
                "DB",
                "Orders DB",
                {
                    **sql,
                    "body": "delete from orders where id = {{Table1.selectedRow.id}}",
                    "pluginSpecifiedTemplates": [{"value": True}],
                },
                confirm=True,
            ),
            Query(
                "insertRows",
                "Orders",
                "mysql-plugin",
                "DB",
                "Shop MySQL",
                {
                    "timeoutInMillisecond": 30000,
                    "body": "insert into t values {{Utils.rows()}}",
                    "pluginSpecifiedTemplates": [{"value": False}],
                },
            ),
            Query(
                "fetchUsers",
                "Customers",
                "restapi-plugin",
                "API",
                None,
                {
                    "timeoutInMillisecond": 10000,
                    "httpMethod": "GET",
                    "path": "/users",
                    "headers": [{"key": "Accept", "value": "application/json"}, {"key": "", "value": ""}],
                    "queryParameters": [{"key": "page", "value": "{{Table1.pageNo}}"}],
                    "body": "",
                },
                on_load=True,
            ),
            Query(
                "countries",
                "Customers",
                "graphql-plugin",
                "API",
                "Countries API",
                {"httpMethod": "POST", "path": "/graphql", "body": "query { countries { code } }"},
            ),
            Query("cacheGet", "Customers", "redis-plugin", "DB", "Cache", {"body": "GET orders:last"}),
            Query(
                "findLegacy",
                "Customers",
                "mongo-plugin",
                "DB",
                "Legacy Mongo",
                {"formData": {"command": {"data": "FIND"}, "collection": {"data": "users"}}},
            ),
            Query(
                "listFiles",
                "Customers",
                "amazons3-plugin",
                "DB",
                "Files",
                {"formData": {"command": {"data": "LIST"}, "bucket": {"data": "reports"}}},
            ),
        ],
        js_objects=[
            JsObj(
                "Utils",
                "Orders",
                UTILS_BODY,
                [JsFn("fmt"), JsFn("init", on_load=True, is_async=True), JsFn("danger", confirm=True)],
            ),
            JsObj(
                "Utils",
                "Customers",
                "export default {\n  async init() { return 1 },\n}",
                [JsFn("init", on_load=True, is_async=True)],
            ),
        ],
        datasources=[
            ("Orders DB", "postgres-plugin"),
            ("Shop MySQL", "mysql-plugin"),
            ("Countries API", "graphql-plugin"),
            ("Cache", "redis-plugin"),
            ("Legacy Mongo", "mongo-plugin"),
            ("Files", "amazons3-plugin"),
        ],
        libs=[
            {
                "name": "xmlParser",
                "accessor": ["xmlParser"],
                "version": "3.17.5",
                "url": "https://cdn.jsdelivr.net/npm/fast-xml-parser@3.17.5/src/parser.min.js",
                "uidString": "xmlParser_https://cdn.jsdelivr.net/npm/fast-xml-parser@3.17.5/src/parser.min.js",
                "defs": {"!name": "LIB/xmlParser"},
            }
        ],
        theme={
            "name": "Default",
            "displayName": "Modern",
            "isSystemTheme": True,
            "properties": {
                "colors": {"primaryColor": "#553DE9", "backgroundColor": "#F8FAFC"},
                "borderRadius": {"appBorderRadius": "0.375rem"},
                "boxShadow": {"appBoxShadow": "0 1px 3px rgba(0,0,0,.1)"},
                "fontFamily": {"appFont": "Nunito Sans"},
            },
        },
        navigation={"orientation": "top", "showNavbar": True, "colorStyle": "light", "logoAssetId": ""},
    )


# --- the single-file export ---------------------------------------------------------------------

ERAS = {"legacy": (2, 1), "v2023": (7, 1), "v2025": (12, 1)}
"""Era -> (serverSchemaVersion, clientSchemaVersion) written."""


def _datasource_entry(name: str, plugin: str) -> dict[str, Any]:
    return {
        "name": name,
        "pluginId": plugin,
        "gitSyncId": f"ds_{name}",
        "isAutoGenerated": False,
        "datasourceConfiguration": {
            "url": "db.internal",
            "authentication": {"username": "admin", "password": SECRET},
            "endpoints": [{"host": "db.internal", "port": 5432}],
        },
    }


def _run_settings(on_load: bool, confirm: bool, era: str) -> dict[str, Any]:
    settings: dict[str, Any] = {"confirmBeforeExecute": confirm}
    if era == "v2025":
        settings["runBehaviour"] = "ON_PAGE_LOAD" if on_load else "MANUAL"
    else:
        settings["executeOnLoad"] = on_load
    return settings


def _action_entry(q: Query, era: str) -> dict[str, Any]:
    datasource: dict[str, Any]
    if q.datasource is None:
        datasource = {
            "name": "DEFAULT_REST_DATASOURCE",
            "pluginId": q.plugin,
            "isAutoGenerated": False,
            "datasourceConfiguration": {"url": "https://api.example.com"},
        }
    else:
        datasource = {
            "name": q.datasource,
            "pluginId": q.plugin,
            "id": q.datasource,
            "isAutoGenerated": False,
        }
    state = {
        "name": q.name,
        "pageId": q.page,
        "datasource": datasource,
        "actionConfiguration": copy.deepcopy(q.config),
        "dynamicBindingPathList": [{"key": "body"}],
        "isValid": True,
        "invalids": [],
        "jsonPathKeys": [],
        "userSetOnLoad": q.on_load,
        **_run_settings(q.on_load, q.confirm, era),
    }
    return {
        "pluginType": q.plugin_type,
        "pluginId": q.plugin,
        "id": f"{q.page}_{q.name}",
        "deleted": False,
        "gitSyncId": f"gs_{q.page}_{q.name}",
        "unpublishedAction": state,
        "publishedAction": copy.deepcopy(state),
    }


def _js_action_entry(obj: JsObj, fn: JsFn, era: str) -> dict[str, Any]:
    state = {
        "name": fn.name,
        "fullyQualifiedName": f"{obj.name}.{fn.name}",
        "pageId": obj.page,
        "collectionId": f"{obj.page}_{obj.name}",
        "clientSideExecution": True,
        "datasource": {"name": "UNUSED_DATASOURCE", "pluginId": "js-plugin", "isAutoGenerated": False},
        "actionConfiguration": {
            "timeoutInMillisecond": 10000,
            "body": f"{fn.name}() {{}}",
            "isAsync": fn.is_async,
            "jsArguments": [],
        },
        **_run_settings(fn.on_load, fn.confirm, era),
    }
    return {
        "pluginType": "JS",
        "pluginId": "js-plugin",
        "id": f"{obj.page}_{obj.name}.{fn.name}",
        "gitSyncId": f"gs_{obj.page}_{obj.name}_{fn.name}",
        "unpublishedAction": state,
    }


def _collection_entry(obj: JsObj, era: str) -> dict[str, Any]:
    state: dict[str, Any] = {
        "name": obj.name,
        "pageId": obj.page,
        "pluginId": "js-plugin",
        "pluginType": "JS",
        "body": obj.body,
        "variables": [{"name": "rowsCache", "value": "[]"}],
    }
    if era == "legacy":
        state["actions"] = [
            {
                "name": fn.name,
                "executeOnLoad": fn.on_load,
                "confirmBeforeExecute": fn.confirm,
                "actionConfiguration": {"body": f"{fn.name}() {{}}", "isAsync": fn.is_async},
            }
            for fn in obj.functions
        ]
    return {
        "id": f"{obj.page}_{obj.name}",
        "gitSyncId": f"gs_{obj.page}_{obj.name}",
        "unpublishedCollection": state,
    }


def _page_entry(page: Page, era: str) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "viewMode": False,
        "layoutOnLoadActions": [[{"id": f"{page.name}_{n}", "name": n}] for n in page.on_load],
        "validOnPageLoadActions": True,
    }
    state = {"name": page.name, "slug": page.name.lower(), "isHidden": False, "layouts": [layout]}
    entry: dict[str, Any] = {"gitSyncId": f"gs_{page.name}", "deleted": False}
    if era == "legacy" and not page.default:
        # Some 2022 exports carry only the published state of a page, its tree as `publishedDsl`.
        layout["publishedDsl"] = copy.deepcopy(page.dsl)
        entry["publishedPage"] = state
    else:
        layout["dsl"] = copy.deepcopy(page.dsl)
        entry["unpublishedPage"] = state
        entry["publishedPage"] = copy.deepcopy(state)
    return entry


def _application(app: App) -> dict[str, Any]:
    return {
        "name": app.name,
        "slug": "orders-admin",
        "icon": "bag",
        "color": "#F4FFDE",
        "isPublic": False,
        "evaluationVersion": 2,
        "applicationVersion": 2,
        "unpublishedAppLayout": {"type": "FLUID"},
        "pages": [{"id": p.name, "isDefault": p.default} for p in app.pages],
        "unpublishedApplicationDetail": {
            "navigationSetting": copy.deepcopy(app.navigation),
            "appPositioning": {"type": "FIXED"},
        },
    }


def single_file(app: App, era: str = "v2023") -> dict[str, Any]:
    server, client = ERAS[era]
    actions = [_action_entry(q, era) for q in app.queries]
    if era != "legacy":
        actions += [_js_action_entry(obj, fn, era) for obj in app.js_objects for fn in obj.functions]
    doc: dict[str, Any] = {
        "clientSchemaVersion": client,
        "serverSchemaVersion": float(server) if era == "v2023" else server,
        "artifactJsonType": "APPLICATION",
        "exportedApplication": _application(app),
        "datasourceList": [_datasource_entry(name, plugin) for name, plugin in app.datasources],
        "customJSLibList": copy.deepcopy(app.libs),
        "pageList": [_page_entry(p, era) for p in app.pages],
        "actionList": actions,
        "actionCollectionList": [_collection_entry(obj, era) for obj in app.js_objects],
        "editModeTheme": copy.deepcopy(app.theme),
        "publishedTheme": copy.deepcopy(app.theme),
        "unpublishedLayoutmongoEscapedWidgets": {},
    }
    if era == "legacy":
        doc["decryptedFields"] = {
            name: {"password": SECRET, "authType": "DBAuth"} for name, _ in app.datasources
        }
    return doc


def an_export_from_2021() -> dict[str, Any]:
    """An app as an Appsmith of 2021-2022 exported it: 16-column grid, 40 px rows, datasources
    named by id, page order at the top level, keys escaped for MongoDB."""
    table = {
        "widgetName": "Users",
        "widgetId": "t1",
        "type": "TABLE_WIDGET",
        "parentId": "0",
        "leftColumn": 0,
        "rightColumn": 8,
        "topRow": 1,
        "bottomRow": 9,
        "parentRowSpace": 40,
        "tableData": "{{listUsers.data}}",
        "primaryColumns": {"appsmith_mongo_escape_id": {"id": "_id", "label": "_id", "columnType": "text"}},
    }
    root = {
        "widgetName": "MainContainer",
        "widgetId": "0",
        "type": "CANVAS_WIDGET",
        "snapColumns": 16,
        "leftColumn": 0,
        "rightColumn": 1280,
        "topRow": 0,
        "bottomRow": 800,
        "parentRowSpace": 1,
        "minHeight": 840,
        "version": 4,
        "children": [table],
    }
    return {
        "exportedApplication": {"name": "Old app", "slug": "old-app"},
        "datasourceList": [{"name": "Users DB", "pluginId": "postgres-plugin"}],
        "pageList": [
            {"unpublishedPage": {"name": "Second", "layouts": [{"dsl": {**root, "children": []}}]}},
            {"unpublishedPage": {"name": "Home", "layouts": [{"dsl": root}]}},
        ],
        "pageOrder": ["Home", "Second"],
        "unpublishedDefaultPageName": "Home",
        "actionList": [
            {
                "pluginType": "DB",
                "pluginId": "postgres-plugin",
                "unpublishedAction": {
                    "name": "listUsers",
                    "pageId": "Home",
                    "datasource": {"id": "Users DB"},
                    "actionConfiguration": {"body": "select * from users"},
                    "executeOnLoad": True,
                },
            }
        ],
        "unpublishedLayoutmongoEscapedWidgets": {"Home": ["Users"]},
    }


# --- the Git layout -----------------------------------------------------------------------------


def _dump(value: Any) -> bytes:
    return json.dumps(value, indent=2).encode()


def _split_widgets(widget: Widget, folder: str, out: dict[str, bytes]) -> None:
    """Write `widget` and its descendants one per file, as Appsmith's v5 layout does."""
    name = widget["widgetName"]
    canvases = [c for c in widget.get("children") or [] if c["type"] == "CANVAS_WIDGET"]
    if not canvases:
        out[f"{folder}{name}.json"] = _dump({k: v for k, v in widget.items() if k != "children"})
        return
    stub = {k: v for k, v in widget.items() if k != "children"}
    stub["children"] = [{k: v for k, v in c.items() if k != "children"} for c in canvases]
    out[f"{folder}{name}/{name}.json"] = _dump(stub)
    for c in canvases:
        for child in c.get("children") or []:
            _split_widgets(child, f"{folder}{name}/", out)


def git_files(app: App, version: int = 5, era: str = "v2025", prefix: str = "") -> dict[str, bytes]:
    doc = single_file(app, era)
    server, client = ERAS[era]
    files: dict[str, bytes] = {
        "metadata.json": _dump(
            {
                "fileFormatVersion": version,
                "serverSchemaVersion": server,
                "clientSchemaVersion": client,
                "artifactJsonType": "APPLICATION",
            }
        ),
        "application.json": _dump(doc["exportedApplication"]),
        "theme.json": _dump(doc["editModeTheme"]),
        "README.md": b"# Orders admin\n",
    }
    for entry in doc["datasourceList"]:
        files[f"datasources/{entry['name']}.json"] = _dump(entry)
    for lib in doc["customJSLibList"]:
        files[f"jslibs/{lib['name']}_c2hhMjU2.json"] = _dump(lib)
    for entry in doc["pageList"]:
        name = entry["unpublishedPage"]["name"]
        page = copy.deepcopy(entry)
        page.pop("publishedPage", None)
        if version >= 5:
            dsl = page["unpublishedPage"]["layouts"][0]["dsl"]
            for child in dsl.pop("children"):
                _split_widgets(child, f"pages/{name}/widgets/", files)
            files[f"pages/{name}/{name}.json"] = _dump(page)
        else:
            files[f"pages/{name}/canvas.json"] = _dump(page)
    for entry in doc["actionList"]:
        state = entry["unpublishedAction"]
        meta = copy.deepcopy(entry)
        meta.pop("publishedAction", None)
        folder_name = state.get("fullyQualifiedName", state["name"]).replace(".", "-")
        base = f"pages/{state['pageId']}/queries/{folder_name}/"
        body = meta["unpublishedAction"]["actionConfiguration"].pop("body", None)
        if entry["pluginType"] != "JS" and body:
            files[base + folder_name + ".txt"] = body.encode()
        files[base + "metadata.json"] = _dump(meta)
    for entry in doc["actionCollectionList"]:
        state = copy.deepcopy(entry["unpublishedCollection"])
        body = state.pop("body")
        base = f"pages/{state['pageId']}/jsobjects/{state['name']}/"
        files[base + f"{state['name']}.js"] = body.encode()
        files[base + "metadata.json"] = _dump({**entry, "unpublishedCollection": state})
    return {prefix + path: data for path, data in files.items()}


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def json_bytes(doc: Any) -> bytes:
    return json.dumps(doc).encode()
