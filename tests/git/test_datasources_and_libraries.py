"""What an application's tree says beyond its pages, synced with the real `git` CLI as a second
collaborator: `datasources/<name>.json` carries the connector and its non-secret production
settings (never a secret) and binds by name on a pull; `application.json` lists the JS libraries,
and a pull, merge or branch switch installs and uninstalls them to match."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Api, first_workspace
from tests.git.conftest import Connected
from tests.git.remotes import GitHttp, git
from tests.git.support import document, edit_json, new_app, widget_text
from tests.jslibs.support import TINY_CSV, TWO_GLOBALS, LibraryServer, library_server

PASSWORD = "pg-Secret-9d2e"
CSV_PATH = "npm/tinycsv@1.0.0/dist/tinycsv.min.js"
PAD_PATH = "npm/pads@2.1.0/pads.js"


def cli_clone(url: str, server: GitHttp, folder: Path) -> Path:
    git("clone", "-q", server.authed(url), str(folder), cwd=folder.parent)
    return folder


def push(clone: Path, message: str) -> None:
    git("add", "-A", cwd=clone)
    git("commit", "-q", "-m", message, cwd=clone)
    git("push", "-q", "origin", "HEAD", cwd=clone)


def datasource(admin: Api, name: str) -> dict[str, Any]:
    listed = admin.ok("GET", f"/api/v1/workspaces/{first_workspace(admin)}/datasources")["datasources"]
    return next(d for d in listed if d["name"] == name)  # type: ignore[no-any-return]


def libraries(admin: Api, app: str) -> dict[str, dict[str, Any]]:
    return {lib["name"]: lib for lib in admin.ok("GET", f"/api/v1/applications/{app}/js-libraries")["libraries"]}


@pytest.fixture
def with_datasource(admin: Api, git_server: GitHttp) -> Connected:
    """An app whose query uses a configured PostgreSQL datasource (production and staging), connected."""
    ws = first_workspace(admin)
    admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={"name": "Orders DB", "connector": "postgres",
             "configs": {"production": {"host": "db.prod.internal", "port": 5432, "database": "orders", "user": "app",
                                        "password": PASSWORD, "sslmode": "require"},
                         "staging": {"host": "db.staging.internal", "database": "orders", "password": PASSWORD}}})
    app = new_app(admin)
    url = git_server.create("orders.git")
    admin.ok("POST", f"/api/v1/applications/{app}/git/connect", json={
        "remoteUrl": url, "auth": "token", "username": git_server.user, "token": git_server.token})
    return Connected(admin, app, url, git_server)


def test_the_datasource_file_holds_the_production_settings_and_no_secret(with_datasource: Connected, tmp_path: Path) -> None:
    clone = cli_clone(with_datasource.url, with_datasource.server, tmp_path / "cli")
    written = (clone / "datasources/orders-db.json").read_text()
    assert json.loads(written) == {"name": "Orders DB", "connector": "postgres", "settings": {
        "host": "db.prod.internal", "port": 5432, "database": "orders", "user": "app", "sslmode": "require",
        "pool_size": 5, "connect_timeout_seconds": 5}}
    assert PASSWORD not in written and "staging" not in written
    assert PASSWORD not in git("log", "-p", "--all", cwd=clone)
    assert with_datasource.git("status", "GET")["clean"]


def test_changing_the_live_datasource_is_no_change_of_the_app(with_datasource: Connected) -> None:
    admin = with_datasource.client
    ds = datasource(admin, "Orders DB")
    admin.ok("PATCH", f"/api/v1/datasources/{ds['id']}", json={"configs": {"production": {
        **ds["configs"]["production"], "host": "db2.prod.internal"}}})
    # The file is the repository's once committed: the workspace's change shows nowhere.
    status = with_datasource.git("status", "GET")
    assert status["clean"] and status["changes"] == []
    assert with_datasource.git("commit", json={"message": "nothing"})["commit"] is None


def test_a_pulled_settings_change_is_reported_and_never_overwrites_the_live_datasource(
    with_datasource: Connected, tmp_path: Path
) -> None:
    clone = cli_clone(with_datasource.url, with_datasource.server, tmp_path / "cli")
    edit_json(clone / "datasources/orders-db.json", lambda d: d["settings"].update(host="db.other.example", port=6543))
    push(clone, "Point the datasource elsewhere")
    outcome = with_datasource.git("pull")
    assert outcome["result"] == "fast-forward"
    assert outcome["datasources"] == [{"name": "Orders DB", "connector": "postgres", "created": False, "message": (
        "The workspace's datasource keeps its own settings; the app records other values for host, port.")}]
    live = datasource(with_datasource.client, "Orders DB")["configs"]["production"]
    assert live["host"] == "db.prod.internal" and live["port"] == 5432 and live["password"] == "********"
    # The repository keeps what it records, and nothing waits to be committed.
    assert with_datasource.git("status", "GET")["clean"]
    assert with_datasource.git("commit", json={"message": "nothing"})["commit"] is None


def test_a_datasource_new_to_the_workspace_is_created_with_its_settings_and_asks_for_credentials(
    with_datasource: Connected, tmp_path: Path
) -> None:
    clone = cli_clone(with_datasource.url, with_datasource.server, tmp_path / "cli")
    (clone / "datasources/billing.json").write_text(json.dumps({"name": "Billing", "connector": "mysql", "settings": {
        "host": "billing.internal", "port": 3307, "database": "billing", "user": "reader",
        "password": "written-by-mistake"}}, indent=2) + "\n")
    (clone / "pages/home/queries/getInvoices.json").write_text(json.dumps(
        {"datasource": "Billing", "connector": "mysql", "config": {}}) + "\n")
    (clone / "pages/home/queries/getInvoices.sql").write_text("select * from invoices\n")
    push(clone, "Read invoices")
    outcome = with_datasource.git("pull")
    assert outcome["datasources"] == [{"name": "Billing", "connector": "mysql", "created": True,
                                       "message": "Created with the production settings the app records: add its credentials."}]
    made = datasource(with_datasource.client, "Billing")
    assert list(made["configs"]) == ["production"]
    production = made["configs"]["production"]
    assert (production["host"], production["port"], production["database"], production["user"]) == (
        "billing.internal", 3307, "billing", "reader")
    assert production["password"] == ""  # a secret in a file is never taken
    assert with_datasource.git("status", "GET")["clean"]


# --- JS libraries --------------------------------------------------------------------------------


@pytest.fixture
def cdn(admin: Api) -> Iterator[LibraryServer]:
    with library_server({CSV_PATH: TINY_CSV, PAD_PATH: TWO_GLOBALS}) as server:
        admin.ok("PATCH", "/api/v1/admin/settings", json={"jsLibraryUrls": [server.url("npm/")]})
        yield server


def csv_entry(cdn: LibraryServer) -> dict[str, Any]:
    return {"name": "tinycsv", "url": cdn.url(CSV_PATH), "version": "1.0.0", "accessor": ["tinyCsv"],
            "sha256": hashlib.sha256(TINY_CSV.encode()).hexdigest()}


def test_a_pull_installs_the_libraries_the_tree_adds_and_uninstalls_those_it_drops(
    connected: Connected, cdn: LibraryServer, tmp_path: Path
) -> None:
    clone = cli_clone(connected.url, connected.server, tmp_path / "cli")
    edit_json(clone / "application.json", lambda a: a.update(jsLibraries=[csv_entry(cdn)]))
    push(clone, "Use tinycsv")
    outcome = connected.git("pull")
    assert outcome["result"] == "fast-forward"
    assert [(o["name"], o["installed"]) for o in outcome["jsLibraries"]] == [("tinycsv", True)]
    installed = libraries(connected.client, connected.app)
    assert list(installed) == ["tinycsv"] and installed["tinycsv"]["accessor"] == ["tinyCsv"]
    code = connected.client.ok("GET", f"/api/v1/applications/{connected.app}/js-libraries/code/{installed['tinycsv']['sha256']}")
    assert "root.tinyCsv = factory()" in code["code"]
    assert cdn.hits[CSV_PATH] == 1 and connected.git("status", "GET")["clean"]

    edit_json(clone / "application.json", lambda a: a.update(jsLibraries=[]))
    push(clone, "Drop the libraries")
    outcome = connected.git("pull")
    assert outcome["jsLibrariesRemoved"] == ["tinycsv"] and outcome["jsLibraries"] == []
    assert libraries(connected.client, connected.app) == {}
    assert connected.git("status", "GET")["clean"]


def test_a_pull_whose_library_cannot_be_had_changes_nothing_until_it_can(
    connected: Connected, cdn: LibraryServer, tmp_path: Path
) -> None:
    clone = cli_clone(connected.url, connected.server, tmp_path / "cli")
    elsewhere = {"name": "pads", "url": "https://cdn.elsewhere.example/pads.js", "accessor": ["leftPad"]}
    edit_json(clone / "application.json", lambda a: a.update(jsLibraries=[csv_entry(cdn), elsewhere]))
    edit_json(clone / "pages/home/page.json", lambda p: p["dsl"]["children"][0].update(text="with libraries"))
    push(clone, "Two libraries")
    refused = connected.client.post(f"/api/v1/applications/{connected.app}/git/pull")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "libraries_unavailable"
    assert "'pads': Its URL is not allowed on this instance" in refused.json()["error"]["message"]
    assert libraries(connected.client, connected.app) == {}
    assert widget_text(connected.client, connected.app, "Text1") == "Text1 text"
    assert connected.git("status", "GET")["behind"] == 1
    # Served from an allowed place, the same pull goes through.
    edit_json(clone / "application.json", lambda a: a["jsLibraries"][1].update(url=cdn.url(PAD_PATH)))
    push(clone, "Pads from the allowed CDN")
    assert connected.git("pull")["result"] == "fast-forward"
    assert sorted(libraries(connected.client, connected.app)) == ["pads", "tinycsv"]
    assert widget_text(connected.client, connected.app, "Text1") == "with libraries"


def test_a_library_installed_in_the_editor_is_committed_in_sorted_order_and_travels_with_merges(
    connected: Connected, cdn: LibraryServer, tmp_path: Path
) -> None:
    app, client = connected.app, connected.client
    for path, accessor in ((CSV_PATH, ["tinyCsv"]), (PAD_PATH, ["leftPad", "rightPad"])):
        fetched = client.ok("POST", f"/api/v1/applications/{app}/js-libraries/fetch", json={"url": cdn.url(path)})
        client.ok("POST", f"/api/v1/applications/{app}/js-libraries", 201, json={
            "url": cdn.url(path), "sha256": fetched["sha256"], "accessor": accessor})
    status = connected.git("status", "GET")
    assert [(c["kind"], c["change"]) for c in status["changes"]] == [("application", "modified")]
    connected.git("commit", json={"message": "Two libraries"})
    connected.git("push")
    clone = cli_clone(connected.url, connected.server, tmp_path / "cli")
    listed = json.loads((clone / "application.json").read_text())["jsLibraries"]
    assert [lib["name"] for lib in listed] == ["pads", "tinycsv"]  # by name, whatever the install order

    # Another branch drops one library; merging it into main uninstalls it here.
    git("checkout", "-q", "-b", "lean", cwd=clone)
    edit_json(clone / "application.json", lambda a: a.update(jsLibraries=[x for x in a["jsLibraries"] if x["name"] != "pads"]))
    push(clone, "Only tinycsv")
    outcome = connected.git("merge", json={"source": "lean"})
    assert outcome["result"] == "fast-forward" and outcome["jsLibrariesRemoved"] == ["pads"]
    assert list(libraries(client, app)) == ["tinycsv"]


def test_switching_branches_installs_each_branchs_libraries_from_the_code_kept_in_the_app(
    connected: Connected, cdn: LibraryServer
) -> None:
    app, client = connected.app, connected.client
    connected.git("branches", expected=201, json={"name": "csv"})
    connected.git("branches/switch", json={"name": "csv"})
    fetched = client.ok("POST", f"/api/v1/applications/{app}/js-libraries/fetch", json={"url": cdn.url(CSV_PATH)})
    client.ok("POST", f"/api/v1/applications/{app}/js-libraries", 201, json={
        "url": cdn.url(CSV_PATH), "sha256": fetched["sha256"], "accessor": ["tinyCsv"]})
    connected.git("commit", json={"message": "tinycsv"})
    connected.git("branches/switch", json={"name": "main"})
    assert libraries(client, app) == {}
    connected.git("branches/switch", json={"name": "csv"})
    assert list(libraries(client, app)) == ["tinycsv"]
    assert cdn.hits[CSV_PATH] == 1  # its code was kept in the app: nothing fetched again
    assert connected.git("status", "GET")["clean"]


def test_an_app_imported_from_a_tree_elsewhere_binds_the_workspaces_datasource(admin: Api) -> None:
    # Two apps of one workspace naming the same datasource share it; nothing is created twice.
    first = new_app(admin, document("First"))
    second = new_app(admin, document("Second"))
    assert first != second
    listed = admin.ok("GET", f"/api/v1/workspaces/{first_workspace(admin)}/datasources")["datasources"]
    assert [d["name"] for d in listed] == ["Orders DB"]
