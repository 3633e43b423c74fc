"""Framing and the Content-Security-Policy in a real browser (headless Chromium).

The security headers themselves are specified in tests/security/test_headers.py; this file lives
with the other browser tests because they share one Chromium per test run.

Other sites are small web servers on 127.0.0.2 and 127.0.0.3: an IP address is its own site, so
to Chromium their pages are cross-site to Lowcraft on 127.0.0.1, and it
refuses the framed viewer any storage (third-party storage is blocked in its contexts), which is
what an embed meets in a browser that blocks third-party cookies.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from lowcraft.devserver import ServerProcess
from tests.e2e.viewer_helpers import PASSWORD, api_call

pytestmark = pytest.mark.e2e

GREETING = "Embedded and evaluated"
# An IFrame widget's inline HTML with a script that changes the page and talks to the app.
INLINE_HTML = ("<p id='out'>script not run</p><script>document.getElementById('out').textContent = 'inline script ran';"
               "parent.postMessage('hello from inline HTML', '*');</script>")

# Records what the page's policy refused, before any of the page's own scripts run.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def embeddable_app() -> dict[str, Any]:
    """A page with a text evaluated by the engine's worker and an ECharts chart."""
    return {
        "format": "lowcraft-app",
        "formatVersion": 1,
        "application": {"name": "Embeddable", "slug": "embeddable", "settings": {"navigation": "top"}},
        "datasources": [],
        "pages": [{
            "name": "Home", "slug": "home", "isDefault": True,
            "dsl": {
                "widgetId": "main", "widgetName": "MainContainer", "type": "CANVAS_WIDGET",
                "leftColumn": 0, "rightColumn": 64, "topRow": 0, "bottomRow": 100,
                "children": [
                    {"widgetId": "t1", "widgetName": "Greeting", "type": "TEXT_WIDGET", "leftColumn": 0,
                     "rightColumn": 40, "topRow": 0, "bottomRow": 4,
                     "text": "{{ ['Embedded', 'and', 'evaluated'].join(' ') }}"},
                    {"widgetId": "c1", "widgetName": "Sales", "type": "CHART_WIDGET", "leftColumn": 0,
                     "rightColumn": 40, "topRow": 6, "bottomRow": 40},
                    {"widgetId": "f1", "widgetName": "Frame1", "type": "IFRAME_WIDGET", "leftColumn": 40,
                     "rightColumn": 64, "topRow": 6, "bottomRow": 30, "srcDoc": INLINE_HTML},
                    {"widgetId": "t2", "widgetName": "FrameMessage", "type": "TEXT_WIDGET", "leftColumn": 40,
                     "rightColumn": 64, "topRow": 0, "bottomRow": 4, "text": "{{ Frame1.message || 'no message' }}"},
                ],
            },
        }],
    }


class Portal:
    """Another site: a web server on its own loopback address whose one page frames a URL."""

    def __init__(self, host: str) -> None:
        framed: dict[str, str] = {}

        class Page(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = (f'<!doctype html><title>Portal</title><iframe id="embed" src="{framed.get("url", "")}" '
                        'width="1000" height="700"></iframe>').encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.framed = framed
        self.server = http.server.ThreadingHTTPServer((host, 0), Page)
        self.origin = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Embedding:
    """A browser tab, two other sites, and what the tab's console said about frames and policies."""

    page: Any
    server: ServerProcess
    allowed: Portal
    other: Portal
    console: list[str] = field(default_factory=list)

    def open_embedded(self, portal: Portal, path: str) -> Any:
        """Open `portal`'s page framing Lowcraft's `path`; returns the frame's locator."""
        portal.framed["url"] = self.server.url + path
        self.page.goto(f"{portal.origin}/portal")
        return self.page.frame_locator("#embed")

    def refused_frames(self) -> list[str]:
        return [m for m in self.console if "Refused to frame" in m or "frame-ancestors" in m]


@pytest.fixture
def embedding(browser: Any, live_server: ServerProcess) -> Iterator[Embedding]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    allowed, other = Portal("127.0.0.2"), Portal("127.0.0.3")
    found = Embedding(tab, live_server, allowed, other)
    tab.on("console", lambda message: found.console.append(message.text))
    yield found
    context.close()
    allowed.close()
    other.close()


def public_app(page: Any, frame_ancestors: list[str]) -> dict[str, Any]:
    request = page.request
    api_call(request, "POST", "/auth/signup", {"email": "owner@example.com", "password": PASSWORD, "name": "Owner"}, expect=201)
    workspace = api_call(request, "GET", "/workspaces")["workspaces"][0]
    app: dict[str, Any] = api_call(request, "POST", f"/workspaces/{workspace['id']}/applications/import",
                                   {"document": embeddable_app()}, expect=201)
    api_call(request, "PATCH", f"/applications/{app['id']}", {"isPublic": True, "settings": {"frameAncestors": frame_ancestors}})
    api_call(request, "POST", f"/applications/{app['id']}/publish")
    return app


def test_a_public_app_opens_framed_by_a_site_its_settings_allow(embedding: Embedding) -> None:
    app = public_app(embedding.page, [embedding.allowed.origin])
    frame = embedding.open_embedded(embedding.allowed, f"/app/{app['slug']}")
    frame.get_by_text(GREETING).wait_for(timeout=15_000)
    frame.locator(".lc-chart canvas, .lc-chart svg").first.wait_for(timeout=15_000)
    assert embedding.refused_frames() == []
    # The framed viewer had no storage of its own (third-party storage is blocked here) and still
    # opened: that is what used to leave a blank page.
    inner = next(f for f in embedding.page.frames if f.url.startswith(embedding.server.url))
    assert inner.evaluate("() => { try { window.localStorage; return 'allowed'; } catch (e) { return e.name; } }") == "SecurityError"


def test_a_site_the_settings_do_not_name_cannot_frame_the_app(embedding: Embedding) -> None:
    app = public_app(embedding.page, [embedding.allowed.origin])
    frame = embedding.open_embedded(embedding.other, f"/app/{app['slug']}")
    embedding.page.wait_for_timeout(2000)
    assert frame.get_by_text(GREETING).count() == 0
    assert embedding.refused_frames(), embedding.console


def test_the_sign_in_page_and_the_editor_cannot_be_framed(embedding: Embedding) -> None:
    app = public_app(embedding.page, [embedding.allowed.origin])  # even by a site the app's settings allow
    for path in ("/login", f"/app/{app['id']}/edit/home"):
        embedding.console.clear()
        frame = embedding.open_embedded(embedding.allowed, path)
        embedding.page.wait_for_timeout(1500)
        assert frame.locator("input, button").count() == 0, path
        assert embedding.refused_frames(), (path, embedding.console)


def test_the_viewer_and_the_editor_load_without_a_policy_violation(embedding: Embedding) -> None:
    page = embedding.page
    app = public_app(page, [])
    page.add_init_script(WATCH_VIOLATIONS)
    response = page.goto(f"/app/{app['slug']}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_text(GREETING).wait_for(timeout=15_000)
    page.locator(".lc-chart canvas, .lc-chart svg").first.wait_for(timeout=15_000)
    # The IFrame widget's inline HTML runs its script under its own frame's policy, and its
    # message reaches the app.
    page.frame_locator(".lc-iframe").get_by_text("inline script ran").wait_for(timeout=15_000)
    page.get_by_text("hello from inline HTML").wait_for(timeout=15_000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__violations") == []

    page.goto(f"/app/{app['id']}/edit/home")
    page.locator(".lc-ed-canvas").get_by_text(GREETING).wait_for(timeout=15_000)
    page.locator('[data-widget="Greeting"]').click()  # opens the property pane's code editors
    page.locator(".lc-ed-pane .cm-content").first.wait_for(timeout=15_000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__violations") == []
    policy_errors = [m for m in embedding.console if "Content Security Policy" in m or "Refused to" in m]
    assert policy_errors == []


def test_the_api_docs_render_from_lowcraft_alone(embedding: Embedding) -> None:
    page = embedding.page
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(embedding.server.url) else elsewhere.append(r.url))
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto("/api/docs")
    page.get_by_text("/api/v1/health").first.wait_for(timeout=15_000)
    assert elsewhere == []
    assert page.evaluate("window.__violations") == []
