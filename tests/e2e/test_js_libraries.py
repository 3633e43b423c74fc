"""JS libraries in Chromium: a developer installs a UMD library by URL from the Explorer (the server
fetches it from a web server on loopback, the editor's engine finds its global), bindings and JS
objects use it in the editor and in the published app, and what cannot be installed is refused
with its reason. A library that throws while loading shows an error on the page, which still works.
Screenshots: test-artifacts/<test>/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lowcraft.devserver import running_server
from tests.browser import server_env
from tests.e2e.viewer_helpers import PASSWORD, api_call
from tests.jslibs.support import NO_GLOBAL, THROWS, TINY_CSV, LibraryServer, library_server

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000
TINY = "npm/tinycsv@1.0.0/dist/tinycsv.min.js"

# A library that tries, while it loads, what a binding may not: reach the network or the page.
ESCAPE = """var escapeReport = (function () {
  var out = [];
  try { fetch('/api/v1/me'); out.push('fetch ran'); } catch (e) { out.push('fetch stopped'); }
  try { importScripts('/api/v1/me'); out.push('importScripts ran'); } catch (e) { out.push('importScripts stopped'); }
  try { new XMLHttpRequest(); out.push('xhr ran'); } catch (e) { out.push('xhr stopped'); }
  try { out.push(typeof document === 'undefined' && typeof parent === 'undefined' ? 'no page' : 'page reached'); } catch (e) { out.push('no page'); }
  return out.join(',');
})();
"""


@pytest.fixture
def cdn() -> Iterator[LibraryServer]:
    with library_server({TINY: TINY_CSV, "npm/helper@2.0.0/index.js": NO_GLOBAL, "npm/dom-only@1.0.0/index.js": THROWS,
                         "npm/escape@1.0.0/index.js": ESCAPE}) as server:
        yield server


@pytest.fixture
def lowcraft(tmp_path: Path, cdn: LibraryServer) -> Iterator[Any]:
    env = {**server_env(tmp_path), "LOWCRAFT_JS_LIBRARY_URLS": cdn.url("npm/")}
    with running_server(env) as server:
        yield server


@pytest.fixture
def tab(browser: Any, lowcraft: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=lowcraft.url, viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def _text(name: str, top: int, text: str) -> dict[str, Any]:
    return {"widgetId": f"id-{name}", "widgetName": name, "type": "TEXT_WIDGET", "leftColumn": 0, "rightColumn": 30,
            "topRow": top, "bottomRow": top + 4, "text": text}


def _app_using_tiny_csv(request: Any) -> dict[str, Any]:
    api_call(request, "POST", "/auth/signup", {"email": "dev@example.com", "password": PASSWORD, "name": "Dev"}, expect=201)
    workspace = api_call(request, "GET", "/workspaces")["workspaces"][0]
    app = api_call(request, "POST", f"/workspaces/{workspace['id']}/applications", {"name": "Csv tools"}, expect=201)
    first = api_call(request, "GET", f"/applications/{app['id']}")["pages"][0]
    tree = {"widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "leftColumn": 0, "rightColumn": 64,
            "topRow": 0, "bottomRow": 100, "children": [
                _text("Second", 0, "{{ tinyCsv.parse('name,qty\\nbolts,12\\nnuts,30')[1].qty }}"),
                _text("Count", 6, "{{ Csv.count('a\\n1\\n2\\n3') }}"),
                _text("Plain", 12, "Always here"),
                _text("Escape", 18, "{{ typeof escapeReport === 'undefined' ? 'none' : escapeReport }}"),
            ]}
    api_call(request, "PUT", f"/pages/{first['id']}/dsl", {"dsl": tree, "revision": first["revision"]})
    api_call(request, "POST", f"/applications/{app['id']}/js-objects", {
        "pageId": first["id"], "name": "Csv", "body": "export default {\n  count(text) { return tinyCsv.parse(text).length }\n}"},
        expect=201)
    return {**app, "page": first}


def test_a_developer_installs_a_library_by_url_and_the_app_uses_it_in_editor_and_viewer(
    tab: Any, cdn: LibraryServer, screenshots: Any
) -> None:
    from playwright.sync_api import expect

    app = _app_using_tiny_csv(tab.request)
    tab.goto(f"/app/{app['id']}/edit/{app['page']['slug']}")
    tab.get_by_role("tab", name="Explorer").click()
    libraries = tab.get_by_role("region", name="Libraries")
    expect(libraries.get_by_text("No JS library installed.")).to_be_visible(timeout=TIMEOUT)

    def try_install(path: str) -> None:
        form = libraries.get_by_label("Library URL")
        if not form.is_visible():
            libraries.get_by_role("button", name="Install library").click()
        libraries.get_by_label("Library URL").fill(cdn.url(path) if "://" not in path else path)
        libraries.get_by_role("button", name="Install", exact=True).click()

    # What is no library, throws, or comes from elsewhere is refused with its reason.
    libraries.get_by_role("button", name="Install library").click()
    expect(libraries.get_by_text(cdn.url(""), exact=False).first).to_be_visible()
    try_install("npm/helper@2.0.0/index.js")
    expect(libraries.get_by_role("alert")).to_contain_text("defined no global name", timeout=TIMEOUT)
    try_install("npm/dom-only@1.0.0/index.js")
    expect(libraries.get_by_role("alert")).to_contain_text("threw while loading", timeout=TIMEOUT)
    expect(libraries.get_by_role("alert")).to_contain_text("needs a DOM")
    try_install("https://cdn.example.com/npm/x.js")
    expect(libraries.get_by_role("alert")).to_contain_text("instance administrator allowed", timeout=TIMEOUT)
    screenshots.take(tab, "refused-with-reasons")

    try_install(TINY)
    item = libraries.locator("[data-explorer-library=tinycsv]")
    expect(item).to_contain_text("tinycsv 1.0.0", timeout=TIMEOUT)
    expect(item).to_contain_text("tinyCsv")
    expect(tab.locator('[data-widget="Second"]')).to_contain_text("30", timeout=TIMEOUT)
    expect(tab.locator('[data-widget="Count"]')).to_contain_text("3", timeout=TIMEOUT)
    screenshots.take(tab, "installed-and-used-in-the-editor")
    assert cdn.hits[TINY] == 1  # fetched by the server once; the browser never asked the CDN

    api_call(tab.request, "POST", f"/applications/{app['id']}/publish")
    tab.goto(f"/app/{app['slug']}")
    expect(tab.locator('[data-widget="Second"]')).to_contain_text("30", timeout=TIMEOUT)
    expect(tab.locator('[data-widget="Count"]')).to_contain_text("3")
    expect(tab.get_by_test_id("library-problem")).to_have_count(0)
    screenshots.take(tab, "published-app-uses-the-library")
    assert cdn.hits[TINY] == 1

    # Uninstalled in the editor: the engine starts afresh without its global.
    tab.goto(f"/app/{app['id']}/edit/{app['page']['slug']}")
    tab.get_by_role("tab", name="Explorer").click()
    tab.once("dialog", lambda dialog: dialog.accept())
    tab.get_by_role("button", name="Uninstall tinycsv").click()
    expect(libraries.get_by_text("No JS library installed.")).to_be_visible(timeout=TIMEOUT)
    expect(tab.locator('[data-widget="Second"]')).not_to_contain_text("30", timeout=TIMEOUT)


def test_a_library_that_throws_in_the_viewer_is_reported_and_the_page_still_works(
    tab: Any, cdn: LibraryServer, screenshots: Any
) -> None:
    from playwright.sync_api import expect

    app = _app_using_tiny_csv(tab.request)
    base = f"/applications/{app['id']}/js-libraries"
    libraries = ((TINY, ["tinyCsv"]), ("npm/dom-only@1.0.0/index.js", ["domOnly"]), ("npm/escape@1.0.0/index.js", ["escapeReport"]))
    for path, accessor in libraries:
        fetched = api_call(tab.request, "POST", f"{base}/fetch", {"url": cdn.url(path)})
        # Through the API alone (no editor to try it first), a throwing library can be recorded.
        api_call(tab.request, "POST", base, {"url": cdn.url(path), "sha256": fetched["sha256"], "accessor": accessor}, expect=201)
    api_call(tab.request, "POST", f"/applications/{app['id']}/publish")
    tab.goto(f"/app/{app['slug']}")
    expect(tab.get_by_test_id("library-problem")).to_contain_text("dom-only could not load: Error: this library needs a DOM", timeout=TIMEOUT)
    expect(tab.locator('[data-widget="Second"]')).to_contain_text("30")
    expect(tab.locator('[data-widget="Plain"]')).to_contain_text("Always here")
    # A library has what bindings have: the sandbox, with no network and no page.
    expect(tab.locator('[data-widget="Escape"]')).to_contain_text("fetch stopped,importScripts stopped,xhr stopped,no page")
    screenshots.take(tab, "broken-library-reported")


def test_an_instance_administrator_allows_library_urls_in_admin_settings(tab: Any, lowcraft: Any, cdn: LibraryServer) -> None:
    from playwright.sync_api import expect

    api_call(tab.request, "POST", "/auth/signup", {"email": "root@example.com", "password": PASSWORD, "name": "Root"}, expect=201)
    tab.goto("/")
    tab.get_by_role("link", name="Admin", exact=True).click()
    tab.get_by_role("link", name="JS libraries").click()
    expect(tab.get_by_role("heading", name="JS libraries")).to_be_visible(timeout=TIMEOUT)
    expect(tab.get_by_role("list", name="Prefixes from the environment")).to_contain_text(cdn.url("npm/"))
    field = tab.get_by_label("Allowed library URL prefixes, one per line")
    field.fill("https://cdn.jsdelivr.net/npm/bcryptjs@2.4.3/\nnot a url")
    tab.get_by_role("button", name="Save").click()
    expect(tab.get_by_role("alert")).to_contain_text("not an allowed-URL prefix", timeout=TIMEOUT)
    field.fill("https://cdn.jsdelivr.net/npm/bcryptjs@2.4.3/")
    tab.get_by_role("button", name="Save").click()
    expect(tab.get_by_text("Saved.")).to_be_visible(timeout=TIMEOUT)
    assert api_call(tab.request, "GET", "/admin/settings")["jsLibraryUrls"] == ["https://cdn.jsdelivr.net/npm/bcryptjs@2.4.3/"]
