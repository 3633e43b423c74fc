"""The application as files (docs/app-format.md, "Repository layout"): a deterministic tree that
reads back as the same application, with errors naming the faulty file."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from lowcraft.appmodel.errors import InvalidAppTree
from lowcraft.appmodel.file_tree import (
    document_to_files,
    files_to_document,
    find_applications,
    normalize_document,
    read_folder,
    recorded_settings,
    split_applications,
    write_folder,
)
from lowcraft.apps.appsmith_import import _document
from lowcraft.appsmith.convert import convert_app
from lowcraft.appsmith.read import read_export_bytes
from tests.apps.test_applications import default_page, make_app, save
from tests.appsmith.apps import helpdesk_app, inventory_app
from tests.appsmith.builders import App, json_bytes, orders_app, single_file
from tests.conftest import Api, first_workspace
from tests.pages.test_dsl import page, widget

SECRET = "S3cret-never-in-a-tree"


def appsmith_document(app: App) -> dict[str, Any]:
    """An Appsmith export as the application document its import stores."""
    return _document(convert_app(read_export_bytes(json_bytes(single_file(app)))), None)


def two_pages_document() -> dict[str, Any]:
    """Pages Open and Paid, each with its own Table1, getOrders (SQL) and Utils."""
    pages = []
    for name in ("Open", "Paid"):
        pages.append({
            "name": name, "slug": name.lower(), "isDefault": name == "Open", "hidden": False,
            "dsl": page(widget("Table1", "TABLE_WIDGET_V2", 0, 40, 0, 30, tableData="{{getOrders.data}}"),
                        widget("Text1", text=f"{name}: {{{{Utils.label}}}}", top=31, bottom=35)),
            "actions": [{"name": "getOrders", "datasource": "Orders DB", "connector": "postgres",
                         "config": {"sql": f"select * from orders where status = '{name.lower()}'"},
                         "settings": {"runOnPageLoad": True}}],
            "jsObjects": [{"name": "Utils", "body": f"export default {{\n  label: '{name}',\n}}\n",
                           "settings": {"init": {"runOnPageLoad": name == "Paid", "confirmBeforeRun": False}}}],
        })
    return {
        "format": "lowcraft-app", "formatVersion": 1, "exportedAt": "2026-12-06T21:00:00Z",
        "application": {"name": "Orders admin", "slug": "orders-admin", "theme": {"primaryColor": "#553DE9"}},
        "datasources": [{"name": "Orders DB", "connector": "postgres"}],
        "pages": pages,
    }


DOCUMENTS = {
    "appsmith orders": lambda: appsmith_document(orders_app()),
    "appsmith inventory": lambda: appsmith_document(inventory_app()),
    "appsmith helpdesk (names shared by two pages)": lambda: appsmith_document(helpdesk_app()),
    "two pages sharing every name": two_pages_document,
}


@pytest.mark.parametrize("make", DOCUMENTS.values(), ids=list(DOCUMENTS))
def test_writing_then_reading_gives_the_same_application(make: Any) -> None:
    document = make()
    files = document_to_files(document)
    back = files_to_document(files)
    assert back == normalize_document(document)
    assert document_to_files(back) == files  # the tree is a fixed point
    # Nothing of the application is lost: same pages, names, trees, query configs and bodies.
    original = normalize_document(document)
    assert [p["name"] for p in back["pages"]] == [p["name"] for p in document["pages"]]
    for before, after in zip(document["pages"], back["pages"], strict=True):
        assert after["dsl"] == before["dsl"]
        assert sorted(a["name"] for a in after["actions"]) == sorted(a["name"] for a in before["actions"])
        assert sorted(j["name"] for j in after["jsObjects"]) == sorted(j["name"] for j in before["jsObjects"])
    assert back["application"] == original["application"]


def test_names_are_per_page_in_the_tree() -> None:
    files = document_to_files(two_pages_document())
    for slug in ("open", "paid"):
        assert f"pages/{slug}/queries/getOrders.json" in files
        assert files[f"pages/{slug}/queries/getOrders.sql"] == f"select * from orders where status = '{slug}'\n".encode()
        assert files[f"pages/{slug}/js/Utils.js"] == f"export default {{\n  label: '{slug.title()}',\n}}\n".encode()
    assert json.loads(files["pages/paid/js/Utils.json"]) == {"settings": {"init": {"confirmBeforeRun": False, "runOnPageLoad": True}}}
    assert "pages/open/js/Utils.json" not in files  # no function runs on load or confirms
    assert json.loads(files["application.json"])["pages"] == ["open", "paid"]


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


def test_the_tree_is_deterministic_whatever_the_key_order_ids_or_export_time() -> None:
    document = appsmith_document(orders_app())
    first = document_to_files(document)
    assert document_to_files(copy.deepcopy(document)) == first
    shuffled = _shuffled(document, random.Random(14))
    assert json.dumps(shuffled) != json.dumps(document)
    # Actions listed in another order, ids (as in the published snapshot) and another export time.
    for n, p in enumerate(shuffled["pages"]):
        p["id"] = f"page-{n}"
        p["actions"].reverse()
        for m, a in enumerate(p["actions"]):
            a["id"], a["datasourceId"] = f"action-{m}", f"ds-{m}"
    shuffled["exportedAt"] = "2030-01-01T00:00:00Z"
    assert document_to_files(shuffled) == first
    assert list(first) == sorted(first)
    for path, data in first.items():
        text = data.decode("utf-8")
        assert text.endswith("\n") and not text.endswith("\n\n"), path
        for volatile in ("exportedAt", "2030-01-01", "page-0", "action-0", "ds-0", "datasourceId"):
            assert volatile not in text, (path, volatile)
        if path.endswith(".json") and not path.endswith(".body.json"):
            value = json.loads(text)
            assert keys_sorted(value), path
            assert text == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def keys_sorted(value: Any) -> bool:
    """Whether every object's keys are sorted, `children` last."""
    if isinstance(value, dict):
        keys = list(value)
        return keys == sorted(keys, key=lambda k: (k == "children", k)) and all(keys_sorted(v) for v in value.values())
    if isinstance(value, list):
        return all(keys_sorted(v) for v in value)
    return True


def test_query_text_gets_its_own_file_by_connector() -> None:
    files = document_to_files(appsmith_document(orders_app()))
    assert files["pages/orders/queries/getOrders.sql"].startswith(b"select")
    assert "sql" not in json.loads(files["pages/orders/queries/getOrders.json"])["config"]
    graphql = json.loads(files["pages/customers/queries/countries.json"])
    assert graphql["connector"] == "graphql" and "query" not in graphql["config"]
    assert b"countries" in files["pages/customers/queries/countries.graphql"]


def tree() -> dict[str, bytes]:
    return document_to_files(two_pages_document())


def _edit_json(files: dict[str, bytes], path: str, change: Any) -> dict[str, bytes]:
    value = json.loads(files[path])
    change(value)
    return {**files, path: json.dumps(value).encode()}


def _widget_out_of_grid(value: dict[str, Any]) -> None:
    value["dsl"]["children"][0]["rightColumn"] = 99


BROKEN: dict[str, tuple[Any, str, str]] = {
    "a widget outside the grid": (
        lambda f: _edit_json(f, "pages/paid/page.json", _widget_out_of_grid), "pages/paid/page.json", "Table1"),
    "a page that is not JSON": (
        lambda f: {**f, "pages/open/page.json": b"{\"name\": \"Open\",\n"}, "pages/open/page.json", "not valid JSON"),
    "a page without a widget tree": (
        lambda f: _edit_json(f, "pages/open/page.json", lambda v: v.pop("dsl")), "pages/open/page.json", "dsl"),
    "a page file that is not UTF-8": (
        lambda f: {**f, "pages/open/page.json": b"\xff\xfe"}, "pages/open/page.json", "UTF-8"),
    "a query named like a widget": (
        lambda f: {**{k: v for k, v in f.items() if "getOrders" not in k or "/open/" not in k},
                   "pages/open/queries/Table1.json": f["pages/open/queries/getOrders.json"],
                   "pages/open/queries/Table1.sql": f["pages/open/queries/getOrders.sql"]},
        "pages/open/queries/Table1.json", "already used on page 'Open'"),
    "a query text without its JSON": (
        lambda f: {**f, "pages/open/queries/lost.sql": b"select 1\n"}, "pages/open/queries/lost.sql", "no pages/open/queries/lost.json"),
    "GraphQL text for a SQL query": (
        lambda f: {**f, "pages/open/queries/getOrders.graphql": b"{ x }\n"}, "pages/open/queries/getOrders.graphql",
        "a postgres query has no .graphql text"),
    "a query with an unknown setting": (
        lambda f: _edit_json(f, "pages/open/queries/getOrders.json", lambda v: v["settings"].update(retries=3)),
        "pages/open/queries/getOrders.json", "retries"),
    "a file outside the layout": (
        lambda f: {**f, "pages/open/notes.json": b"{}\n"}, "pages/open/notes.json", "not part of the application layout"),
    "a page folder not listed": (
        lambda f: {**f, "pages/extra/page.json": f["pages/open/page.json"]}, "pages/extra", "not listed"),
    "a listed page without a folder": (
        lambda f: {k: v for k, v in f.items() if not k.startswith("pages/paid/")}, "application.json", "'paid' is listed"),
    "two pages with one name": (
        lambda f: _edit_json(f, "pages/paid/page.json", lambda v: v.update(name="Open")), "pages/paid/page.json",
        "also used by pages/open/page.json"),
    "no application.json": (
        lambda f: {k: v for k, v in f.items() if k != "application.json"}, "application.json", "missing"),
    "not a Lowcraft application": (
        lambda f: {**f, "application.json": b'{"unpublishedPage": {}}\n'}, "application.json", "not a Lowcraft application"),
    "a JS object whose body is missing": (
        lambda f: {k: v for k, v in f.items() if k != "pages/paid/js/Utils.js"}, "pages/paid/js/Utils.json", "no pages/paid/js/Utils.js"),
    "a path escaping the folder": (
        lambda f: {**f, "pages/../../etc/passwd": b"x"}, "pages/../../etc/passwd", "not a relative path"),
    "a datasource named twice": (
        lambda f: {**f, "datasources/again.json": f["datasources/orders-db.json"]}, "datasources/orders-db.json", "also defined"),
}


@pytest.mark.parametrize("breaks", BROKEN.values(), ids=list(BROKEN))
def test_an_invalid_tree_gives_a_clear_error_naming_the_file(breaks: tuple[Any, str, str]) -> None:
    change, path, words = breaks
    with pytest.raises(InvalidAppTree) as raised:
        files_to_document(change(tree()))
    assert raised.value.path == path
    assert raised.value.message.startswith(f"{path}: ")
    assert words in raised.value.message
    assert raised.value.details == {"path": path}


def test_hidden_files_and_notes_are_not_part_of_the_application() -> None:
    files = {**tree(), ".gitkeep": b"", "README.md": b"# Orders\n", "pages/open/.DS_Store": b"\0"}
    assert files_to_document(files) == files_to_document(tree())


def test_a_hand_edited_text_without_final_newline_reads_with_one() -> None:
    files = {**tree(), "pages/open/queries/getOrders.sql": b"select 1"}
    [action] = files_to_document(files)["pages"][0]["actions"]
    assert action["config"]["sql"] == "select 1\n"
    assert document_to_files(files_to_document(files))["pages/open/queries/getOrders.sql"] == b"select 1\n"


def test_several_applications_share_one_repository() -> None:
    repository = {"README.md": b"apps\n"}
    for folder, document in (("apps/orders", two_pages_document()), ("apps/helpdesk", appsmith_document(helpdesk_app()))):
        repository.update({f"{folder}/{path}": data for path, data in document_to_files(document).items()})
    assert find_applications(repository) == ["apps/helpdesk", "apps/orders"]
    apps = split_applications(repository)
    assert files_to_document(apps["apps/orders"]) == normalize_document(two_pages_document())
    assert files_to_document(apps["apps/helpdesk"])["pages"][0]["name"] == "Tickets"
    nested = {**repository, **{f"apps/orders/inner/{p}": d for p, d in tree().items()}}
    with pytest.raises(InvalidAppTree, match="inside another application's folder") as raised:
        split_applications(nested)
    assert raised.value.path == "apps/orders/inner/application.json"
    assert find_applications({**tree()}) == [""]


def test_a_folder_is_written_and_read_back_and_removed_entities_disappear(tmp_path: Path) -> None:
    folder = tmp_path / "orders"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    write_folder(folder, tree())
    assert read_folder(folder) == tree()
    smaller = normalize_document(two_pages_document())
    smaller["pages"] = smaller["pages"][:1]
    write_folder(folder, document_to_files(smaller))
    assert not (folder / "pages" / "paid").exists()
    assert (folder / ".git" / "HEAD").exists()
    assert read_folder(folder) == document_to_files(smaller)
    # A folder that held no application loses nothing (its stray files make the tree unreadable).
    other = tmp_path / "other"
    (other / "pages" / "notes").mkdir(parents=True)
    (other / "pages" / "notes" / "mine.txt").write_text("keep me")
    write_folder(other, tree())
    assert (other / "pages" / "notes" / "mine.txt").read_text() == "keep me"
    with pytest.raises(InvalidAppTree, match="pages/notes/mine.txt: not part of the application layout"):
        files_to_document(read_folder(other))
    (folder / "pages" / "open" / "link.json").symlink_to(folder / "application.json")
    with pytest.raises(InvalidAppTree, match="symbolic link"):
        read_folder(folder)


def test_a_datasource_file_holds_its_settings_and_leaves_them_out_when_there_are_none() -> None:
    document = two_pages_document()
    document["datasources"] = [
        {"name": "Orders DB", "connector": "postgres", "settings": {"port": 5432, "host": "db.internal"}},
        {"name": "Billing", "connector": "mysql"},
    ]
    files = document_to_files(document)
    assert files["datasources/orders-db.json"] == (
        b'{\n  "connector": "postgres",\n  "name": "Orders DB",\n  "settings": {\n    "host": "db.internal",\n'
        b'    "port": 5432\n  }\n}\n')
    # A datasource without settings reads as before settings existed (older trees stay unchanged).
    assert json.loads(files["datasources/billing.json"]) == {"connector": "mysql", "name": "Billing"}
    back = files_to_document(files)
    assert back["datasources"] == [
        {"name": "Billing", "connector": "mysql", "settings": {}},
        {"name": "Orders DB", "connector": "postgres", "settings": {"host": "db.internal", "port": 5432}},
    ]
    assert document_to_files(back) == files
    assert recorded_settings(files) == {"Billing": ("mysql", {}), "Orders DB": ("postgres", {"host": "db.internal", "port": 5432})}
    broken = _edit_json(files, "datasources/billing.json", lambda d: d.update(settings="host=x"))
    with pytest.raises(InvalidAppTree) as caught:
        files_to_document(broken)
    assert caught.value.details["path"] == "datasources/billing.json"


def test_js_libraries_are_listed_by_name_whatever_order_they_were_installed_in() -> None:
    document = two_pages_document()
    libraries = [{"name": name, "url": f"https://cdn.example/{name}.js", "version": "1.0.0", "accessor": [accessor]}
                 for name, accessor in (("tinycsv", "tinyCsv"), ("dayjs", "dayjs"), ("lodash", "_x"))]
    document["application"]["jsLibraries"] = libraries
    reordered = copy.deepcopy(document)
    reordered["application"]["jsLibraries"] = list(reversed(libraries))
    files = document_to_files(document)
    assert files == document_to_files(reordered)
    listed = json.loads(files["application.json"])["jsLibraries"]
    assert [library["name"] for library in listed] == ["dayjs", "lodash", "tinycsv"]
    assert files_to_document(files)["application"]["jsLibraries"] == sorted(
        [{**library, "sha256": None} for library in libraries], key=lambda library: library["name"])


def test_an_application_from_the_store_round_trips_with_its_datasource_settings_but_never_a_secret(admin: Api) -> None:
    ws = first_workspace(admin)
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Orders DB", "connector": "postgres", "configs": {"production": {
            "host": "db.internal", "port": 5432, "database": "orders", "user": "app", "password": SECRET}}})
    app = make_app(admin)
    first = default_page(admin, app["id"])["id"]
    admin.ok("PATCH", f"/api/v1/pages/{first}", json={"name": "Open"})
    second = admin.ok("POST", f"/api/v1/applications/{app['id']}/pages", 201, json={"name": "Paid"})["id"]
    for name, page_id in (("Open", first), ("Paid", second)):
        save(admin, page_id, page(widget("Table1", "TABLE_WIDGET_V2", 0, 40, 0, 30, tableData="{{getOrders.data}}")))
        admin.ok("POST", f"/api/v1/applications/{app['id']}/actions", 201, json={
            "pageId": page_id, "name": "getOrders", "datasourceId": ds["id"],
            "config": {"sql": f"select * from orders where status = '{name}'"}})
        admin.ok("POST", f"/api/v1/applications/{app['id']}/js-objects", 201, json={
            "pageId": page_id, "name": "Utils", "body": "export default {\n  x: 1,\n}"})
    exported = admin.ok("GET", f"/api/v1/applications/{app['id']}/export")
    files = document_to_files(exported)
    for path, data in files.items():
        assert SECRET.encode() not in data, path
    # The production environment's non-secret settings, as the connector's schema reads them.
    assert json.loads(files["datasources/orders-db.json"]) == {"connector": "postgres", "name": "Orders DB", "settings": {
        "host": "db.internal", "port": 5432, "database": "orders", "user": "app", "sslmode": "prefer",
        "pool_size": 5, "connect_timeout_seconds": 5}}
    back = files_to_document(files)
    assert back == normalize_document(exported)
    # The tree imports as the same application, bound to the same datasource (nothing to report).
    imported = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications/import", 201, json={"document": back})
    assert imported["datasources"] == []
    again = admin.ok("GET", f"/api/v1/applications/{imported['id']}/export")
    assert {k: v for k, v in document_to_files(again).items() if k != "application.json"} == {
        k: v for k, v in files.items() if k != "application.json"}


def test_check_lints_application_folders_beside_exported_json(tmp_path: Path) -> None:
    import io

    from lowcraft.bindings.check import main

    def read_tree(folder: Path) -> dict[str, Any]:
        return files_to_document(read_folder(folder))

    write_folder(tmp_path / "apps" / "orders", tree())
    broken = two_pages_document()
    broken["pages"][1]["dsl"]["children"][1]["text"] = "{{ nowhere.value }}"
    write_folder(tmp_path / "apps" / "broken", document_to_files(broken))
    (tmp_path / "exported.json").write_text(json.dumps(two_pages_document()))
    out = io.StringIO()
    assert main([tmp_path], "json", out, read_tree=read_tree) == 1
    reports = {Path(r["path"]).relative_to(tmp_path).as_posix(): r for r in json.loads(out.getvalue())["files"]}
    assert set(reports) == {"apps/broken", "apps/orders", "exported.json"}
    assert reports["apps/orders"]["errors"] == 0 and reports["exported.json"]["errors"] == 0
    [diagnostic] = reports["apps/broken"]["diagnostics"]
    assert (diagnostic["page"], diagnostic["entity"], diagnostic["code"]) == ("Paid", "Text1", "unknown_entity")
    out = io.StringIO()
    assert main([tmp_path / "apps" / "orders"], "text", out) == 1  # without the reader: said, not skipped
    assert "check it with `lowcraft check`" in out.getvalue()
