"""JS libraries through the API: an instance administrator allows URL prefixes, a Developer has the
server fetch a library once from an allowed URL, installs it with the globals the editor's engine
found, and the app's bindings may use those globals; editors and viewers load the code from
Lowcraft. The libraries are served by a web server on loopback (`support.library_server`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lowcraft.app import create_app
from lowcraft.config import Settings
from tests.apps.test_applications import add_viewer, default_page, make_app, save
from tests.conftest import Api, Instance, first_workspace
from tests.jslibs.support import NO_GLOBAL, PAGE, TINY_CSV, LibraryServer, library_server
from tests.pages.test_dsl import page, widget


@pytest.fixture
def cdn() -> Iterator[LibraryServer]:
    files: dict[str, str | bytes] = {
        "npm/tinycsv@1.0.0/dist/tinycsv.min.js": TINY_CSV,
        "npm/helper@2.0.0/index.js": NO_GLOBAL,
        "npm/site/index.html": PAGE,
        "npm/big@1.0.0/big.js": "var big = '" + "x" * 200_000 + "';\n",
    }
    redirects = {"npm/tinycsv": "/npm/tinycsv@1.0.0/dist/tinycsv.min.js", "npm/away": "/elsewhere/tinycsv.js"}
    with library_server(files, redirects) as server:
        server.files["elsewhere/tinycsv.js"] = TINY_CSV
        yield server


@pytest.fixture
def start(settings_factory: Callable[..., Settings]) -> Iterator[Callable[..., Instance]]:
    """Start an instance with settings of the test's choosing (one per test)."""
    clients: list[TestClient] = []

    def build(**overrides: Any) -> Instance:
        settings = settings_factory(**overrides)
        app = create_app(settings, migrate=False)
        main = TestClient(app)
        main.__enter__()
        clients.append(main)
        return Instance(app, settings, main)

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def allow(admin: Api, *prefixes: str) -> None:
    admin.ok("PATCH", "/api/v1/admin/settings", json={"jsLibraryUrls": list(prefixes)})


def install(client: Api, app_id: str, url: str, accessor: list[str]) -> dict[str, Any]:
    fetched = client.ok("POST", f"/api/v1/applications/{app_id}/js-libraries/fetch", json={"url": url})
    return client.ok("POST", f"/api/v1/applications/{app_id}/js-libraries", 201, json={
        "url": url, "sha256": fetched["sha256"], "accessor": accessor})  # type: ignore[no-any-return]


def unknown_names(client: Api, app_id: str) -> list[str]:
    diagnostics = client.ok("GET", f"/api/v1/applications/{app_id}/lint")["diagnostics"]
    return [d["message"] for d in diagnostics if d["code"] == "unknown_entity"]


def test_no_library_can_be_installed_until_an_instance_administrator_allows_its_url(
    start: Callable[..., Instance], cdn: LibraryServer
) -> None:
    instance = start()
    admin = instance.user("admin@example.com")
    app = make_app(admin)
    listed = admin.ok("GET", f"/api/v1/applications/{app['id']}/js-libraries")
    assert listed["libraries"] == [] and listed["allowedUrlPrefixes"] == []
    refused = admin.post(f"/api/v1/applications/{app['id']}/js-libraries/fetch",
                         json={"url": cdn.url("npm/tinycsv@1.0.0/dist/tinycsv.min.js")})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "library_url_not_allowed"
    assert "instance administrator" in refused.json()["error"]["message"]
    assert cdn.hits == {}  # refused before any request left the server


def test_a_library_is_fetched_once_installed_and_its_globals_are_known_to_the_analyser(
    start: Callable[..., Instance], cdn: LibraryServer
) -> None:
    instance = start()
    admin = instance.user("admin@example.com")
    allow(admin, cdn.url("npm/"))
    developer = instance.user("dev@example.com")
    ws = first_workspace(admin)
    admin.ok("POST", f"/api/v1/workspaces/{ws}/invites", 201, json={"email": "dev@example.com", "role": "developer"})
    app = make_app(admin)
    app_id = app["id"]
    save(developer, default_page(developer, app_id)["id"],
         page(widget("Rows", text="{{tinyCsv.parse('a,b\\n1,2')[0].b}}")))
    assert unknown_names(developer, app_id) == [
        "tinyCsv is not defined: no widget, action, JS object or global has this name"]

    url = cdn.url("npm/tinycsv@1.0.0/dist/tinycsv.min.js")
    fetched = developer.ok("POST", f"/api/v1/applications/{app_id}/js-libraries/fetch", json={"url": url})
    assert fetched == {"url": url, "sha256": hashlib.sha256(TINY_CSV.encode()).hexdigest(),
                       "size": len(TINY_CSV.encode()), "name": "tinycsv", "version": "1.0.0"}
    installed = developer.ok("POST", f"/api/v1/applications/{app_id}/js-libraries", 201, json={
        "url": url, "sha256": fetched["sha256"], "accessor": ["tinyCsv"]})
    assert installed == {"name": "tinycsv", "url": url, "version": "1.0.0", "accessor": ["tinyCsv"],
                         "sha256": fetched["sha256"]}
    assert unknown_names(developer, app_id) == []

    # The code comes from Lowcraft from now on, inside JSON: no page of this site can run it as a script.
    code = developer.get(f"/api/v1/applications/{app_id}/js-libraries/code/{fetched['sha256']}")
    assert code.status_code == 200 and code.json()["code"] == TINY_CSV
    assert code.headers["content-type"] == "application/json"
    assert code.headers["x-content-type-options"] == "nosniff"
    assert "immutable" in code.headers["cache-control"]
    assert cdn.hits == {"npm/tinycsv@1.0.0/dist/tinycsv.min.js": 1}

    # The document carries the list app-wide (not per page), never the code.
    exported = developer.ok("GET", f"/api/v1/applications/{app_id}/export")
    assert exported["application"]["jsLibraries"] == [
        {"name": "tinycsv", "url": url, "version": "1.0.0", "accessor": ["tinyCsv"], "sha256": fetched["sha256"]}]
    assert "tinyCsv =" not in str(exported) and "jsLibraries" not in str(exported["pages"])
    audit = admin.ok("GET", f"/api/v1/workspaces/{ws}/audit-log", params={"action": "application.library_installed"})
    assert audit["events"][0]["summary"]["url"] == url


def test_viewers_load_the_published_code_and_anonymous_visitors_only_of_public_apps(
    start: Callable[..., Instance], cdn: LibraryServer
) -> None:
    instance = start()
    admin = instance.user("admin@example.com")
    allow(admin, cdn.url("npm/"))
    viewer = add_viewer(instance, admin)
    app_id = make_app(admin)["id"]
    sha = install(admin, app_id, cdn.url("npm/tinycsv@1.0.0/dist/tinycsv.min.js"), ["tinyCsv"])["sha256"]
    code_url = f"/api/v1/applications/{app_id}/js-libraries/code/{sha}"
    anonymous = instance.anonymous()

    assert viewer.get(code_url).status_code == 404  # not published yet: nothing of it is a viewer's
    admin.ok("POST", f"/api/v1/applications/{app_id}/publish")
    assert viewer.get(code_url).json()["code"] == TINY_CSV
    assert anonymous.get(code_url).status_code == 401
    admin.ok("PATCH", f"/api/v1/applications/{app_id}", json={"isPublic": True})
    assert anonymous.get(code_url).json()["code"] == TINY_CSV
    assert instance.user("stranger@example.com").get(code_url).json()["code"] == TINY_CSV  # public: anyone

    # Uninstalled, the published app keeps its library until the next publish.
    admin.ok("DELETE", f"/api/v1/applications/{app_id}/js-libraries/tinycsv", 204)
    assert admin.ok("GET", f"/api/v1/applications/{app_id}/js-libraries")["libraries"] == []
    assert viewer.get(code_url).json()["code"] == TINY_CSV
    admin.ok("POST", f"/api/v1/applications/{app_id}/publish")
    assert viewer.get(code_url).status_code == 404
    published = viewer.ok("GET", f"/api/v1/view/{app_id}")["document"]
    assert published["application"]["jsLibraries"] == []


def test_the_environment_variable_allows_prefixes_administrators_cannot_remove(
    start: Callable[..., Instance], cdn: LibraryServer
) -> None:
    instance = start(js_library_urls=f"{cdn.url('npm/tinycsv@1.0.0/')}, https://cdn.jsdelivr.net")
    admin = instance.user("admin@example.com")
    settings = admin.ok("GET", "/api/v1/admin/settings")
    assert settings["jsLibraryUrlsFromEnvironment"] == [cdn.url("npm/tinycsv@1.0.0/"), "https://cdn.jsdelivr.net/"]
    assert settings["jsLibraryUrls"] == []
    app_id = make_app(admin)["id"]
    assert install(admin, app_id, cdn.url("npm/tinycsv@1.0.0/dist/tinycsv.min.js"), ["tinyCsv"])["name"] == "tinycsv"
    other = admin.post(f"/api/v1/applications/{app_id}/js-libraries/fetch", json={"url": cdn.url("npm/helper@2.0.0/index.js")})
    assert other.status_code == 422


def test_only_instance_administrators_change_the_allowed_urls_and_prefixes_must_be_addresses(
    start: Callable[..., Instance],
) -> None:
    instance = start()
    admin = instance.user("admin@example.com")
    workspace_admin = instance.user("owner@example.com")  # administers their own workspace only
    assert workspace_admin.patch("/api/v1/admin/settings", json={"jsLibraryUrls": ["https://x.example/"]}).status_code == 403
    assert workspace_admin.get("/api/v1/admin/settings").status_code == 403
    for bad in ("javascript:alert(1)", "cdn.example.com/npm/", "https://user@cdn.example.com/", "https://cdn.example.com/a/../b/"):
        response = admin.patch("/api/v1/admin/settings", json={"jsLibraryUrls": [bad]})
        assert response.status_code == 422, bad
        assert response.json()["error"]["code"] == "invalid_url_prefix"
    # A prefix without a path gets one, so it cannot match another host that starts the same way.
    saved = admin.ok("PATCH", "/api/v1/admin/settings", json={"jsLibraryUrls": ["HTTPS://CDN.example.com"]})
    assert saved["jsLibraryUrls"] == ["https://cdn.example.com/"]
    app_id = make_app(admin)["id"]
    tricked = admin.post(f"/api/v1/applications/{app_id}/js-libraries/fetch",
                         json={"url": "https://cdn.example.com.evil.example/x.js"})
    assert tricked.status_code == 422
    events = admin.ok("GET", f"/api/v1/workspaces/{first_workspace(admin)}/audit-log")  # instance events are kept instance-wide
    assert events is not None


@pytest.mark.parametrize(("path", "status", "code"), [
    ("npm/big@1.0.0/big.js", 413, "library_too_large"),
    ("npm/site/index.html", 422, "not_a_library"),
    ("npm/missing@1.0.0/x.js", 400, "library_fetch_failed"),
    ("npm/away", 422, "library_url_not_allowed"),  # redirects out of the allowed folder
    ("npm/tinycsv/../../elsewhere/tinycsv.js", 422, "library_url_not_allowed"),
])
def test_what_cannot_be_installed_is_refused_with_a_clear_error(
    start: Callable[..., Instance], cdn: LibraryServer, path: str, status: int, code: str
) -> None:
    instance = start(js_library_max_mb=0.1)
    admin = instance.user("admin@example.com")
    allow(admin, cdn.url("npm/"))
    app_id = make_app(admin)["id"]
    response = admin.post(f"/api/v1/applications/{app_id}/js-libraries/fetch", json={"url": cdn.url(path)})
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_a_redirect_inside_the_allowed_folder_is_followed(start: Callable[..., Instance], cdn: LibraryServer) -> None:
    instance = start()
    admin = instance.user("admin@example.com")
    allow(admin, cdn.url("npm/"))
    app_id = make_app(admin)["id"]
    fetched = admin.ok("POST", f"/api/v1/applications/{app_id}/js-libraries/fetch", json={"url": cdn.url("npm/tinycsv")})
    assert (fetched["name"], fetched["version"], fetched["url"]) == ("tinycsv", "1.0.0", cdn.url("npm/tinycsv"))


def test_an_install_needs_fetched_code_and_globals_that_clash_with_nothing(
    start: Callable[..., Instance], cdn: LibraryServer
) -> None:
    instance = start()
    admin = instance.user("admin@example.com")
    allow(admin, cdn.url("npm/"))
    app_id = make_app(admin)["id"]
    save(admin, default_page(admin, app_id)["id"], page(widget("Table1")))
    url = cdn.url("npm/tinycsv@1.0.0/dist/tinycsv.min.js")
    base = f"/api/v1/applications/{app_id}/js-libraries"
    never_fetched = admin.post(base, json={"url": url, "sha256": "0" * 64, "accessor": ["tinyCsv"]})
    assert never_fetched.status_code == 404
    sha = admin.ok("POST", f"{base}/fetch", json={"url": url})["sha256"]
    for accessor, status, code in (([], 422, "invalid_accessor"), (["Table1"], 422, "invalid_accessor"),
                                   (["Math"], 422, "invalid_accessor"), (["2fast"], 422, "invalid_accessor")):
        response = admin.post(base, json={"url": url, "sha256": sha, "accessor": accessor})
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), accessor
    assert admin.post(base, json={"url": url, "sha256": sha, "accessor": []}).json()["error"]["message"].startswith(
        "The library defined no global name")
    admin.ok("POST", base, 201, json={"url": url, "sha256": sha, "accessor": ["tinyCsv"]})
    again = admin.post(base, json={"url": url, "sha256": sha, "accessor": ["tinyCsv"], "name": "csv2"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "library_exists")
    assert admin.delete(f"{base}/nothing").status_code == 404


def test_loopback_libraries_need_the_workspace_to_reach_private_networks(
    start: Callable[..., Instance], cdn: LibraryServer
) -> None:
    instance = start(allow_private_networks=False)
    admin = instance.user("admin@example.com")
    allow(admin, cdn.url("npm/"))
    ws = first_workspace(admin)
    app_id = make_app(admin)["id"]
    url = cdn.url("npm/tinycsv@1.0.0/dist/tinycsv.min.js")
    refused = admin.post(f"/api/v1/applications/{app_id}/js-libraries/fetch", json={"url": url})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "library_fetch_failed"
    assert refused.json()["error"]["details"]["reason"] == "forbidden_address"
    assert cdn.hits == {}
    admin.ok("PUT", f"/api/v1/workspaces/{ws}/private-networks", json={"allowed": True})
    assert admin.ok("POST", f"/api/v1/applications/{app_id}/js-libraries/fetch", json={"url": url})["size"] > 0


def test_import_fetches_the_libraries_again_where_allowed_and_reports_the_others(
    start: Callable[..., Instance], cdn: LibraryServer
) -> None:
    instance = start()
    admin = instance.user("admin@example.com")
    allow(admin, cdn.url("npm/"))
    ws = first_workspace(admin)
    app_id = make_app(admin)["id"]
    install(admin, app_id, cdn.url("npm/tinycsv@1.0.0/dist/tinycsv.min.js"), ["tinyCsv"])
    document = admin.ok("GET", f"/api/v1/applications/{app_id}/export")

    imported = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications/import", 201, json={"document": document})
    assert imported["jsLibraries"] == [{"name": "tinycsv", "url": cdn.url("npm/tinycsv@1.0.0/dist/tinycsv.min.js"),
                                        "installed": True, "problem": None}]
    assert cdn.hits["npm/tinycsv@1.0.0/dist/tinycsv.min.js"] == 2  # once at install, once at import
    again = admin.ok("GET", f"/api/v1/applications/{imported['id']}/export")
    assert again["application"]["jsLibraries"] == document["application"]["jsLibraries"]

    # The code at the URL changed since the export: not taken.
    cdn.files["npm/tinycsv@1.0.0/dist/tinycsv.min.js"] = TINY_CSV + "\n// changed\n"
    changed = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications/import", 201, json={"document": document})
    assert changed["jsLibraries"][0]["installed"] is False
    assert "changed since the export" in changed["jsLibraries"][0]["problem"]

    # No longer allowed: the app is imported all the same, the library reported.
    allow(admin)
    refused = admin.ok("POST", f"/api/v1/workspaces/{ws}/applications/import", 201, json={"document": document})
    assert refused["jsLibraries"][0]["installed"] is False
    assert "not allowed" in refused["jsLibraries"][0]["problem"]
    assert admin.ok("GET", f"/api/v1/applications/{refused['id']}/js-libraries")["libraries"] == []


def test_a_clone_keeps_the_libraries_without_fetching_them_again(start: Callable[..., Instance], cdn: LibraryServer) -> None:
    instance = start()
    admin = instance.user("admin@example.com")
    allow(admin, cdn.url("npm/"))
    app_id = make_app(admin)["id"]
    sha = install(admin, app_id, cdn.url("npm/tinycsv@1.0.0/dist/tinycsv.min.js"), ["tinyCsv"])["sha256"]
    clone = admin.ok("POST", f"/api/v1/applications/{app_id}/clone", 201)
    assert [lib["accessor"] for lib in admin.ok("GET", f"/api/v1/applications/{clone['id']}/js-libraries")["libraries"]] == [["tinyCsv"]]
    assert admin.get(f"/api/v1/applications/{clone['id']}/js-libraries/code/{sha}").json()["code"] == TINY_CSV
    assert cdn.hits == {"npm/tinycsv@1.0.0/dist/tinycsv.min.js": 1}


def test_a_document_whose_library_globals_clash_is_refused(start: Callable[..., Instance]) -> None:
    instance = start()
    admin = instance.user("admin@example.com")
    ws = first_workspace(admin)
    base = {"format": "lowcraft-app", "formatVersion": 1,
            "pages": [{"name": "Home", "dsl": page(widget("Table1"))}]}
    for libraries in ([{"name": "a", "url": "https://x.example/a.js", "accessor": ["Table1"]}],
                      [{"name": "a", "url": "https://x.example/a.js", "accessor": ["dup"]},
                       {"name": "b", "url": "https://x.example/b.js", "accessor": ["dup"]}],
                      [{"name": "a", "url": "https://x.example/a.js", "accessor": ["JSON"]}]):
        document = {**base, "application": {"name": "Clash", "jsLibraries": libraries}}
        response = admin.post(f"/api/v1/workspaces/{ws}/applications/import", json={"document": document})
        assert response.status_code == 400, libraries
        assert response.json()["error"]["code"] == "invalid_document"

