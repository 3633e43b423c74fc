"""Security headers: every response class carries them, framing follows each app's setting, HEAD
is answered wherever GET is, and the API docs load nothing from another site.

The route table of the real application drives the tests, so a route added later is covered
without touching this file. Browser tests of framing are in tests/e2e/test_headers_framing.py.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from lowcraft.app import LowcraftApp, create_app
from lowcraft.http.headers import FrameAncestorsCache, frame_source, page_policy, viewer_key
from tests.conftest import CSRF, PASSWORD, Api, make_settings

ASSET = "app-1a2b3c.js"


@pytest.fixture
def web_dist(tmp_path: Path) -> Path:
    """A built web client as Vite lays it out: index.html, hashed assets, a top-level file."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(f'<!doctype html><html><head><script type="module" src="/assets/{ASSET}"></script>'
                                     '</head><body><div id="root"></div></body></html>')
    (dist / "assets" / ASSET).write_text("console.log('lowcraft')")
    (dist / "assets" / "app-1a2b3c.css").write_text("body{margin:0}")
    (dist / "favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    return dist


@pytest.fixture
def server(tmp_path: Path, web_dist: Path, database_url: str) -> Iterator[LowcraftApp]:
    app = create_app(make_settings(tmp_path / "data", database_url, web_dist=web_dist, max_body_mb=0.01,
                                   sqlite_roots=str(tmp_path)))
    assert app.edge is not None
    app.edge.frame_ancestors.ttl = 0  # type: ignore[attr-defined]  # see each change at once
    yield app


@pytest.fixture
def client(server: LowcraftApp) -> Iterator[Api]:
    with Api(server, headers=CSRF) as api:
        yield api


def sample_path(path: str) -> str:
    """A concrete address for a route pattern: every parameter becomes `x`."""
    return re.sub(r"\{[^}]+\}", "x", path)


def every_route(app: LowcraftApp) -> list[tuple[str, str]]:
    """(method, address) for each method of each route and mount of the running application."""
    cases: list[tuple[str, str]] = []
    for route in app.routes:
        if isinstance(route, Mount):
            cases.append(("GET", f"{route.path}/{ASSET}"))  # a file the mount serves
            cases.append(("GET", f"{route.path}/missing.js"))  # and one it does not
        elif isinstance(route, (APIRoute, Route)):
            cases += [(method, sample_path(route.path)) for method in sorted(route.methods or ()) if method != "HEAD"]
    return cases


def assert_secured(response: Any, where: str) -> None:
    headers = response.headers
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") in ("strict-origin-when-cross-origin", "same-origin", "no-referrer"), where
    policy = headers.get("content-security-policy", "")
    assert headers.get("x-frame-options") == "DENY" or "frame-ancestors" in policy, where
    if headers.get("content-type", "").startswith("text/html") and policy.startswith("sandbox "):
        # A frame for content Lowcraft does not control (an IFrame widget's inline HTML): it may
        # run anything, but in an opaque origin, away from the session.
        assert "allow-same-origin" not in policy.split(";")[0], where
    elif headers.get("content-type", "").startswith("text/html"):
        assert "frame-ancestors 'none'" in policy, where
        scripts = re.search(r"script-src ([^;]*)", policy)
        assert scripts is not None, where
        assert "'unsafe-inline'" not in scripts[1] and "'unsafe-eval'" not in scripts[1], where
        assert "*" not in scripts[1].split(), where
        assert "object-src 'none'" in policy or "default-src 'none'" in policy, where


def test_every_route_answers_with_the_security_headers(server: LowcraftApp, client: Api) -> None:
    cases = every_route(server)
    # The route table includes what this test must see: API routes, the action-execution fast
    # path, the API docs, the web client's catch-all and its assets.
    addresses = {path for _, path in cases}
    assert {"/api/v1/actions/x/execute", "/api/docs", "/x", f"/assets/{ASSET}", "/api/v1/health",
            "/frames/inline-html"} <= addresses
    for method, path in cases:
        response = client.request(method, path, json={} if method in ("POST", "PUT", "PATCH") else None)
        assert response.status_code < 500, f"{method} {path}: {response.status_code}"
        assert_secured(response, f"{method} {path} ({response.status_code})")


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), [
    ("GET", "/", {}, 200),  # the web client's page
    ("GET", "/login", {}, 200),
    ("GET", "/app/x/edit/page1", {}, 200),  # the editor
    ("GET", "/favicon.svg", {}, 200),  # a top-level file of the build
    ("GET", f"/assets/{ASSET}", {}, 200),
    ("GET", "/assets/app-1a2b3c.css", {}, 200),
    ("GET", "/api/v1/health", {}, 200),
    ("GET", "/api/v1/openapi.json", {}, 200),
    ("GET", "/api/v1/no/such/route", {}, 404),
    ("GET", "/api/v1/workspaces", {}, 401),
    ("POST", "/api/v1/workspaces", {"headers": {"X-Requested-By": ""}}, 403),  # refused at the edge
    ("POST", "/api/v1/auth/login", {"content": b" " * 20_000, "headers": {"content-type": "application/json"}}, 413),
    ("GET", "/api/v1/workspaces?q=%00", {}, 400),
    ("POST", "/api/v1/actions/x/execute", {"json": {}}, 404),  # the fast path ahead of FastAPI
])
def test_each_response_class_carries_the_headers(client: Api, method: str, path: str, kwargs: dict[str, Any],
                                                 status: int) -> None:
    response = client.request(method, path, **kwargs)
    assert response.status_code == status
    assert_secured(response, f"{method} {path}")


def test_pages_get_a_strict_policy_and_other_responses_none_at_all(client: Api) -> None:
    page = client.get("/login").headers["content-security-policy"]
    assert "default-src 'self'" in page and "worker-src 'self' blob:" in page and "base-uri 'none'" in page
    assert client.get("/api/v1/health").headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    # A worker runs under its own script's policy: the engine's must stay free to compile bindings.
    assert "content-security-policy" not in client.get(f"/assets/{ASSET}").headers


def test_a_policy_a_route_set_itself_is_kept(client: Api) -> None:
    docs = client.get("/api/docs").headers["content-security-policy"]
    assert docs.startswith("default-src 'none'; script-src 'self' 'sha256-")


def test_an_iframe_widgets_inline_html_gets_a_sandboxed_page_of_its_own(client: Api) -> None:
    response = client.get("/frames/inline-html")
    policy = response.headers["content-security-policy"]
    assert policy.startswith("sandbox allow-scripts allow-forms allow-popups;")
    # Embedded viewers frame it too, so it may be framed anywhere: it shows only what its parent sends.
    assert "frame-ancestors *" in policy and "x-frame-options" not in response.headers


def test_the_recaptcha_loader_is_allowed_from_its_folder_only() -> None:
    google = page_policy("https://www.google.com/recaptcha/api.js")
    assert "script-src 'self' https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/;" in google
    mirror = page_policy("https://captcha.internal.example:8443/js/loader.js")
    assert "script-src 'self' https://captcha.internal.example:8443/js/;" in mirror


def test_executions_answered_from_the_plan_cache_carry_the_headers(tmp_path: Path, client: Api) -> None:
    client.ok("POST", "/api/v1/auth/signup", 201, json={"email": "owner@example.com", "password": PASSWORD, "name": "O"})
    workspace = client.ok("GET", "/api/v1/workspaces")["workspaces"][0]["id"]
    source = client.ok("POST", f"/api/v1/workspaces/{workspace}/datasources", 201, json={
        "name": "Local", "connector": "sqlite", "configs": {"production": {"path": "local.db", "create": True}}})
    app = client.ok("POST", f"/api/v1/workspaces/{workspace}/applications", 201, json={"name": "Orders"})
    page = client.ok("GET", f"/api/v1/applications/{app['id']}")["pages"][0]
    action = client.ok("POST", f"/api/v1/applications/{app['id']}/actions", 201, json={
        "pageId": page["id"], "name": "answer", "datasourceId": source["id"], "config": {"sql": "select 42 as n"}})
    for _ in range(2):  # the first run fills the plan cache, the second is answered from it
        response = client.post(f"/api/v1/actions/{action['id']}/execute", json={"params": {}, "mode": "edit"})
        assert response.json()["body"] == [{"n": 42}], response.text
        assert_secured(response, "execute")


# ---- framing per application ------------------------------------------------------------------

def published_app(client: Api, ancestors: list[str]) -> dict[str, Any]:
    client.ok("POST", "/api/v1/auth/signup", 201, json={"email": "owner@example.com", "password": PASSWORD, "name": "O"})
    workspace = client.ok("GET", "/api/v1/workspaces")["workspaces"][0]["id"]
    app: dict[str, Any] = client.ok("POST", f"/api/v1/workspaces/{workspace}/applications", 201, json={"name": "Orders"})
    client.ok("PATCH", f"/api/v1/applications/{app['id']}", json={"settings": {"frameAncestors": ancestors}})
    client.ok("POST", f"/api/v1/applications/{app['id']}/publish")
    return app


def ancestors_of(client: Api, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    found = re.search(r"frame-ancestors ([^;]*)", response.headers["content-security-policy"])
    assert found is not None
    return found[1]


def test_a_published_apps_viewer_may_be_framed_by_the_origins_its_settings_allow(client: Api) -> None:
    app = published_app(client, ["https://intranet.example.com", "http://127.0.0.2:8000/portal"])
    allowed = "http://127.0.0.2:8000 https://intranet.example.com"
    for path in (f"/app/{app['id']}", f"/app/{app['slug']}", f"/app/{app['slug']}/page1", f"/app/{app['slug']}/page1/"):
        assert ancestors_of(client, path) == allowed, path
        assert "x-frame-options" not in client.get(path).headers
    # Everything else stays unframeable: the editor of that app, the sign-in page, the API.
    assert ancestors_of(client, f"/app/{app['id']}/edit/page1") == "'none'"
    assert ancestors_of(client, "/login") == "'none'"
    assert client.get(f"/api/v1/view/{app['id']}").headers["x-frame-options"] == "DENY"


def test_framing_follows_changes_of_the_setting_and_the_apps_life(client: Api) -> None:
    app = published_app(client, ["https://intranet.example.com"])
    viewer = f"/app/{app['slug']}"
    client.ok("PATCH", f"/api/v1/applications/{app['id']}", json={"settings": {"frameAncestors": []}})
    assert ancestors_of(client, viewer) == "'none'"
    assert client.get(viewer).headers["x-frame-options"] == "DENY"
    client.ok("PATCH", f"/api/v1/applications/{app['id']}", json={"settings": {"frameAncestors": ["*.example.com"]}})
    assert ancestors_of(client, viewer) == "*.example.com"
    client.ok("DELETE", f"/api/v1/applications/{app['id']}", 204)
    assert ancestors_of(client, viewer) == "'none'"


def test_an_unpublished_or_unknown_app_is_never_framed(client: Api) -> None:
    client.ok("POST", "/api/v1/auth/signup", 201, json={"email": "owner@example.com", "password": PASSWORD, "name": "O"})
    workspace = client.ok("GET", "/api/v1/workspaces")["workspaces"][0]["id"]
    draft = client.ok("POST", f"/api/v1/workspaces/{workspace}/applications", 201, json={"name": "Draft"})
    client.ok("PATCH", f"/api/v1/applications/{draft['id']}", json={"settings": {"frameAncestors": ["https://a.example"]}})
    assert ancestors_of(client, f"/app/{draft['slug']}") == "'none'"
    assert ancestors_of(client, "/app/no-such-app") == "'none'"


@pytest.mark.parametrize("entry", [
    "https://a.example; script-src *",  # would add a directive
    "https://a.example\r\nSet-Cookie: x=1",  # would add a header
    "'unsafe-inline'",
    "javascript:alert(1)",
    "https://a.example:99999",
    "not a site",
])
def test_settings_refuse_what_is_not_a_site(client: Api, entry: str) -> None:
    app = published_app(client, [])
    response = client.patch(f"/api/v1/applications/{app['id']}", json={"settings": {"frameAncestors": [entry]}})
    assert response.status_code == 422
    assert "not a site address" in response.json()["error"]["message"]
    assert ancestors_of(client, f"/app/{app['slug']}") == "'none'"


@pytest.mark.parametrize(("entry", "source"), [
    ("https://Intranet.Example.com/", "https://intranet.example.com"),
    ("https://intranet.example.com/some/page?x=1", "https://intranet.example.com"),
    ("*.example.com", "*.example.com"),
    ("http://127.0.0.2:8000", "http://127.0.0.2:8000"),
    ("https:", "https:"),
    ("self", "'self'"),
    ("*", "*"),
    ("https://a.example;", None),
    ("data:", None),
    ("https://a b.example", None),
])
def test_frame_sources_are_read_as_csp_reads_them(entry: str, source: str | None) -> None:
    assert frame_source(entry) == source


def test_only_viewer_addresses_are_looked_up() -> None:
    assert viewer_key("/app/orders") == "orders"
    assert viewer_key("/app/orders/page-2") == "orders"
    assert viewer_key("/app/orders/edit") is None
    assert viewer_key("/app/orders/edit/page1") is None
    assert viewer_key("/workspaces/w1") is None


def test_lookups_are_cached_for_a_few_seconds_and_fail_closed() -> None:
    calls: list[str] = []

    def lookup(key: str) -> list[str]:
        calls.append(key)
        if key == "broken":
            raise RuntimeError("store unreachable")
        return ["https://a.example"]

    cache = FrameAncestorsCache(lookup, ttl=60)
    assert asyncio.run(cache.directive("orders")) == "frame-ancestors https://a.example"
    assert asyncio.run(cache.directive("orders")) == "frame-ancestors https://a.example"
    assert calls == ["orders"]
    assert asyncio.run(cache.directive("broken")) == "frame-ancestors 'none'"


# ---- HEAD ---------------------------------------------------------------------------------------

def test_head_is_answered_wherever_get_is_with_no_body(server: LowcraftApp, client: Api) -> None:
    gets = [path for method, path in every_route(server) if method == "GET"]
    assert "/x" in gets and "/" not in gets  # the web client's catch-all answers "/" too
    for path in ["/", *gets]:
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path
        assert_secured(head, f"HEAD {path}")


# ---- API docs -----------------------------------------------------------------------------------

def test_the_api_docs_load_nothing_from_another_site(client: Api) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "an asset from another site"
    assert "cdn" not in html.lower()
    for url in re.findall(r"""(?:src|href)=["']([^"']+)""", html):
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 500, url
        assert_secured(asset, url)
    # The page's one inline script runs by its hash, and nothing else inline would.
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    policy = response.headers["content-security-policy"]
    assert f"'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in re.search(r"script-src ([^;]*)", policy)[1]  # type: ignore[index]
    assert "frame-ancestors 'none'" in policy


def test_only_the_swagger_files_are_served_from_the_docs_folder(client: Api) -> None:
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/api/docs/assets/__init__.py").status_code == 404
    assert client.get("/api/docs/assets/..%2f..%2fapp.py").status_code == 404

