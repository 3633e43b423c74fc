"""A button with a Google reCAPTCHA site key in a published app, clicked in Chromium.

Google cannot be reached from the test machine, so the instance's LOWCRAFT_RECAPTCHA_SCRIPT_URL
points at a small local server whose script implements the documented `grecaptcha` API
(ready/execute/render) and reports which site key the page loaded it with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from lowcraft.devserver import running_server
from tests.e2e.conftest import WEB_DIST
from tests.e2e.viewer_helpers import PASSWORD, api_call
from tests.servers import http_server

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000

# Google's client library, as far as a button uses it: `ready`, v3's `execute(key, {action})`
# for a key named in `?render=`, and v2's invisible `render` + `execute(id)` with a callback.
GRECAPTCHA_JS = """
(function () {
  var me = document.currentScript ? new URL(document.currentScript.src) : null;
  var loadedKey = me ? me.searchParams.get("render") : null;
  var registered = ["site-key-e2e", "v2-site-key"];
  var issued = 0, widgets = [];
  window.grecaptcha = {
    ready: function (cb) { setTimeout(cb, 0); },
    execute: function (keyOrId, options) {
      if (typeof keyOrId === "number") {
        var w = widgets[keyOrId];
        setTimeout(function () { w.callback("v2-token-" + w.sitekey + "-" + (++issued)); }, 0);
        return;
      }
      if (keyOrId !== loadedKey || registered.indexOf(keyOrId) < 0) return Promise.reject(new Error("Invalid site key or not loaded in api.js: " + keyOrId));
      return Promise.resolve("token-for-" + keyOrId + "-" + options.action + "-" + (++issued));
    },
    render: function (container, params) { return widgets.push(params) - 1; },
    reset: function () {}
  };
})();
"""


@dataclass
class FakeGoogle:
    """The local stand-in for www.google.com/recaptcha: which site keys pages loaded it with."""

    url: str
    loads: list[dict[str, list[str]]] = field(default_factory=list)

    @property
    def script_url(self) -> str:
        return f"{self.url}/recaptcha/api.js"


@pytest.fixture
def fake_google() -> Iterator[FakeGoogle]:
    loads: list[dict[str, list[str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != "/recaptcha/api.js":
                self.send_error(404)
                return
            loads.append(parse_qs(parts.query))
            body = GRECAPTCHA_JS.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with http_server(Handler) as url:
        yield FakeGoogle(url, loads)


def button_app(site_key: str, version: str = "V3") -> dict[str, Any]:
    """One page: Button1 (with the key) whose onClick puts the token in the store and an alert."""
    children = [
        {"widgetId": "b1", "widgetName": "Button1", "type": "BUTTON_WIDGET", "leftColumn": 0, "rightColumn": 16,
         "topRow": 0, "bottomRow": 4, "text": "Send", "googleRecaptchaKey": site_key, "recaptchaType": version,
         "onClick": "{{ storeValue('token', Button1.recaptchaToken); showAlert('Token: ' + Button1.recaptchaToken) }}"},
        {"widgetId": "t1", "widgetName": "Text1", "type": "TEXT_WIDGET", "leftColumn": 0, "rightColumn": 64,
         "topRow": 6, "bottomRow": 10, "text": "{{ 'Stored: ' + (appsmith.store.token || 'none') }}"},
    ]
    return {
        "format": "lowcraft-app", "formatVersion": 1,
        "application": {"name": "Captcha", "slug": "captcha", "settings": {"navigation": "top", "publicAccess": False}},
        "datasources": [],
        "pages": [{"name": "Home", "slug": "home", "isDefault": True, "hidden": False, "dsl": {
            "widgetId": "maincontainer", "widgetName": "MainContainer", "type": "CANVAS_WIDGET",
            "leftColumn": 0, "rightColumn": 64, "topRow": 0, "bottomRow": 40, "children": children}}],
    }


@pytest.fixture
def viewer(browser: Any, fake_google: FakeGoogle, tmp_path: Path) -> Iterator[Any]:
    """A browser tab on an instance that loads reCAPTCHA from the local stand-in."""
    env = {
        "LOWCRAFT_DATA_DIR": str(tmp_path / "data"),
        "LOWCRAFT_WEB_DIST": str(WEB_DIST),
        "LOWCRAFT_ARGON2_MEMORY_KIB": "1024",
        "LOWCRAFT_ARGON2_TIME_COST": "1",
        "LOWCRAFT_RECAPTCHA_SCRIPT_URL": fake_google.script_url,
    }
    with running_server(env) as server:
        context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
        yield context.new_page()
        context.close()


def publish(page: Any, document: dict[str, Any]) -> str:
    api_call(page.request, "POST", "/auth/signup", {"email": "owner@example.com", "password": PASSWORD, "name": "Owner"}, expect=201)
    workspace = api_call(page.request, "GET", "/workspaces")["workspaces"][0]
    app = api_call(page.request, "POST", f"/workspaces/{workspace['id']}/applications/import", {"document": document}, expect=201)
    api_call(page.request, "POST", f"/applications/{app['id']}/publish")
    return str(app["id"])


def test_a_click_gets_a_v3_token_that_onclick_reads_from_the_button(viewer: Any, fake_google: FakeGoogle, screenshots: Any) -> None:
    from playwright.sync_api import expect

    app_id = publish(viewer, button_app("site-key-e2e"))
    viewer.goto(f"/app/{app_id}/home")
    expect(viewer.get_by_text("Stored: none")).to_be_visible(timeout=TIMEOUT)
    viewer.get_by_role("button", name="Send").click()

    expect(viewer.get_by_text("Token: token-for-site-key-e2e-submit-1")).to_be_visible(timeout=TIMEOUT)
    expect(viewer.get_by_text("Stored: token-for-site-key-e2e-submit-1")).to_be_visible()
    screenshots.take(viewer, "token-reached-onclick")

    # A second click gets a fresh token, without loading the script again.
    viewer.get_by_role("button", name="Send").click()
    expect(viewer.get_by_text("Stored: token-for-site-key-e2e-submit-2")).to_be_visible(timeout=TIMEOUT)
    assert fake_google.loads == [{"render": ["site-key-e2e"]}]


def test_a_click_gets_a_v2_token_through_the_invisible_widget(viewer: Any, fake_google: FakeGoogle) -> None:
    from playwright.sync_api import expect

    app_id = publish(viewer, button_app("v2-site-key", "V2"))
    viewer.goto(f"/app/{app_id}/home")
    viewer.get_by_role("button", name="Send").click()
    expect(viewer.get_by_text("Stored: v2-token-v2-site-key-1")).to_be_visible(timeout=TIMEOUT)
    assert fake_google.loads == [{"render": ["explicit"]}]


def test_when_recaptcha_refuses_onclick_does_not_run_and_the_user_sees_why(viewer: Any, fake_google: FakeGoogle, screenshots: Any) -> None:
    from playwright.sync_api import expect

    # Like Google, the stand-in refuses a site key nobody registered.
    app_id = publish(viewer, button_app("unregistered-key"))
    viewer.goto(f"/app/{app_id}/home")
    expect(viewer.get_by_text("Stored: none")).to_be_visible(timeout=TIMEOUT)
    viewer.get_by_role("button", name="Send").click()

    expect(viewer.get_by_role("alert")).to_contain_text("reCAPTCHA refused the click: Invalid site key or not loaded in api.js: unregistered-key", timeout=TIMEOUT)
    screenshots.take(viewer, "recaptcha-refused")
    expect(viewer.get_by_text("Stored: none")).to_be_visible()
    expect(viewer.get_by_text("Token:")).to_have_count(0)


def test_when_the_script_cannot_be_loaded_onclick_does_not_run(browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    env = {
        "LOWCRAFT_DATA_DIR": str(tmp_path / "data"),
        "LOWCRAFT_WEB_DIST": str(WEB_DIST),
        "LOWCRAFT_ARGON2_MEMORY_KIB": "1024",
        "LOWCRAFT_ARGON2_TIME_COST": "1",
        # Nothing listens on port 9 (discard): a refused connection, as where Google is blocked.
        "LOWCRAFT_RECAPTCHA_SCRIPT_URL": "http://127.0.0.1:9/recaptcha/api.js",
    }
    with running_server(env) as server:
        context = browser.new_context(base_url=server.url)
        page = context.new_page()
        app_id = publish(page, button_app("site-key-e2e"))
        page.goto(f"/app/{app_id}/home")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("alert")).to_contain_text("reCAPTCHA could not be loaded from 127.0.0.1:9.", timeout=TIMEOUT)
        expect(page.get_by_text("Stored: none")).to_be_visible()
        context.close()
