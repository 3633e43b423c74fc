"""Generated requests over the whole API (schemathesis over `/api/v1/openapi.json`): no 5xx.

A Developer of a seeded workspace (an application with a page, a query on an SQLite file, a JS
object, an invite, a token) sends the requests schemathesis derives from the OpenAPI document,
valid ones and ones that break the schema, against real ids so the deep routes are reached. Then
every body the server took (and a few known-good seeds for routes random data rarely satisfies,
like a widget tree) is sent again with one value at a time made hostile: a lone surrogate, NaN,
1e400, an integer beyond 64 bits, nesting past the edge's limit, a binding nested 2000 deep
(issue 11, finding 6); and the page, application, export and audit log are read again after, as a
bad save used to break them for good.

Bounded so the suite can afford it on two cores: a few generated examples per operation and
mode, derandomised (the same requests every run), destructive operations last.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from lowcraft.app import create_app
from lowcraft.jsoncheck import MAX_DEPTH
from tests.conftest import CSRF, Api, Instance, make_settings

EXAMPLES_PER_OPERATION = 10
"""Per operation and generation mode. With the hostile pass: about 1200 requests, 20 s here."""


class Raw:
    """A value written into the JSON text as is: what `json.dumps` cannot produce on its own."""

    def __init__(self, text: str) -> None:
        self.text = text


HOSTILE_VALUES: list[Any] = [
    "a\ud800b",
    "\udfff",
    float("nan"),
    float("-inf"),
    Raw("1e400"),
    2**70,
    -(2**64),
    Raw("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)),
    "{{" + "(" * 2000 + "a" + ")" * 2000 + "}}",
]


@dataclass
class Seeded:
    instance: Instance
    developer: Api
    ids: dict[str, str]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    folder = tmp_path_factory.mktemp("fuzz")
    settings = make_settings(folder / "data", f"sqlite:///{folder / 'store.db'}", sqlite_roots=str(folder))
    app = create_app(settings)
    instance = Instance(app, settings)
    owner = instance.user("owner@example.com")
    ws = owner.ok("POST", "/api/v1/workspaces", 201, json={"name": "Team"})["id"]
    instance.user("dev@example.com")
    owner.ok("POST", f"/api/v1/workspaces/{ws}/invites", 201, json={"email": "dev@example.com", "role": "developer"})
    invite = owner.ok("POST", f"/api/v1/workspaces/{ws}/invites", 201, json={"email": "new@example.com", "role": "viewer"})
    developer = instance.user("dev@example.com")
    members = owner.ok("GET", f"/api/v1/workspaces/{ws}/members")["members"]
    (folder / ws).mkdir()  # the workspace's own folder below the SQLite root
    sqlite3.connect(folder / ws / "orders.db").executescript(
        "create table orders (id integer primary key, total real); insert into orders values (1, 9.5);")
    ds = developer.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Orders DB", "connector": "sqlite", "configs": {"production": {"path": "orders.db"}}})
    app_doc = developer.ok("POST", f"/api/v1/workspaces/{ws}/applications", 201, json={"name": "Orders"})
    page = developer.ok("GET", f"/api/v1/applications/{app_doc['id']}")["pages"][0]
    action = developer.ok("POST", f"/api/v1/applications/{app_doc['id']}/actions", 201, json={
        "pageId": page["id"], "name": "getOrder", "datasourceId": ds["id"],
        "config": {"sql": "select * from orders where id = {{Input1.text}}"}})
    js = developer.ok("POST", f"/api/v1/applications/{app_doc['id']}/js-objects", 201, json={
        "pageId": page["id"], "name": "Utils", "body": "export default { double(x) { return x * 2 } }"})
    token = developer.ok("POST", "/api/v1/me/tokens", 201, json={"name": "ci"})
    developer.ok("POST", f"/api/v1/applications/{app_doc['id']}/publish")
    ids = {
        "workspace_id": ws, "application_id": app_doc["id"], "page_id": page["id"], "action_id": action["id"],
        "js_id": js["id"], "datasource_id": ds["id"], "invite_id": invite["invite"]["id"],
        "user_id": next(m["id"] for m in members if m["email"] == "dev@example.com"),
        "token_id": token["id"], "key": app_doc["id"],
    }
    yield Seeded(instance, developer, ids)
    app.state.runtime.close()


def _order(operation: Any) -> tuple[int, str]:
    """Destructive operations last, so the others reach the seeded objects."""
    path, method = operation.path, operation.method.upper()
    if path.endswith(("/auth/logout", "/me/password")):
        return 3, path
    if method == "DELETE":
        return 2, path
    return (1 if method != "GET" else 0), path


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, index))]
    return [path]


def _plant(body: Any, value: Any, choice: int) -> Any:
    """`body` with `value` in place of one of its leaves, picked by `choice`: where a valid value
    stood, so the body still passes the schema and only the planted value is hostile."""
    leaves = _leaves(body)
    if not leaves:
        return body
    path = leaves[choice % len(leaves)]
    if not path:  # the body itself is a scalar
        return value
    *parents, last = path
    planted = copy.deepcopy(body)
    holder = planted
    for key in parents:
        holder = holder[key]
    holder[last] = value
    return planted


def _json_text(body: Any) -> str:
    """JSON text as a careless client writes it: surrogates escaped, NaN and Infinity as words."""
    raws: list[str] = []

    def mark(value: Any) -> Any:
        if isinstance(value, Raw):
            raws.append(value.text)
            return f"@RAW{len(raws) - 1}@"
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = json.dumps(mark(body))
    for index, raw in enumerate(raws):
        text = text.replace(f'"@RAW{index}@"', raw)
    return text


def _seed_bodies(ids: dict[str, str]) -> dict[tuple[str, str], list[Any]]:
    """Valid bodies for the routes random generation rarely satisfies (a widget tree, a query on a
    real datasource): the hostile pass mutates them besides the generated bodies the server took."""
    tree = {"widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "leftColumn": 0,
            "rightColumn": 64, "topRow": 0, "bottomRow": 100, "children": [
                {"widgetId": "t1", "widgetName": "Text1", "type": "TEXT_WIDGET", "leftColumn": 0, "rightColumn": 10,
                 "topRow": 0, "bottomRow": 4, "text": "{{getOrder.data[0].total}}"}]}
    query = {"sql": "select * from orders where id = {{Input1.text}}"}
    prefix = "/api/v1"
    return {
        ("PUT", prefix + "/pages/{page_id}/dsl"): [{"dsl": tree, "revision": 0}],
        ("POST", prefix + "/applications/{application_id}/pages"): [{"name": "Another", "dsl": tree}],
        ("PATCH", prefix + "/pages/{page_id}"): [{"name": "Renamed", "slug": "renamed", "hidden": False}],
        ("POST", prefix + "/applications/{application_id}/actions"): [
            {"pageId": ids["page_id"], "name": "other", "datasourceId": ids["datasource_id"], "config": query,
             "settings": {"runOnPageLoad": True, "timeoutMs": 5000}}],
        ("PATCH", prefix + "/actions/{action_id}"): [{"config": query, "settings": {"confirmBeforeRun": False}}],
        ("POST", prefix + "/actions/{action_id}/execute"): [
            {"params": {"Input1.text": 1}, "mode": "edit"},
            {"params": {"Input1.text": "1"}, "mode": "view", "applicationId": ids["application_id"]}],
        ("PATCH", prefix + "/applications/{application_id}"): [
            {"name": "Orders", "theme": {"primaryColor": "#553DE9", "borderRadius": "4px"},
             "settings": {"navigation": "side", "frameAncestors": ["https://example.com"]}}],
        ("POST", prefix + "/applications/{application_id}/js-objects"): [
            {"pageId": ids["page_id"], "name": "More", "body": "export default { f() { return Input1.text } }"}],
        ("PATCH", prefix + "/js-objects/{js_id}"): [{"body": "export default { g: 1 }"}],
        ("POST", prefix + "/workspaces/{workspace_id}/datasources/test"): [
            {"connector": "sqlite", "config": {"path": "missing.db"}}],
        ("PATCH", prefix + "/datasources/{datasource_id}"): [{"name": "Orders"}],
        ("POST", prefix + "/applications/{application_id}/refactor"): [{"old": "Text1", "new": "Title"}],
    }


def _current_revision(client: Api, ids: dict[str, str]) -> int:
    response = client.get(f"/api/v1/pages/{ids['page_id']}")
    return int(response.json()["revision"]) if response.status_code == 200 else 1


def test_generated_requests_never_get_a_server_error(seeded: Seeded) -> None:
    client = Api(seeded.instance.app, headers=CSRF, raise_server_exceptions=False)
    client.cookies.update(seeded.developer.cookies)
    schema = schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").json())
    results = list(schema.get_all_operations())
    operations = sorted((result.ok() for result in results if isinstance(result, Ok)), key=_order)
    assert len(operations) == len(results)  # schemathesis read every operation of the document
    assert len(operations) > 60  # every route is in the document
    seeds = _seed_bodies(seeded.ids)
    failures: list[str] = []
    sent = hostile_sent = 0

    def send(method: str, url: str, *, params: Any = None, headers: dict[str, str] | None = None,
             content: bytes | None = None) -> int:
        nonlocal sent
        try:
            response = client.request(method, url, params=params, headers=headers, content=content)
        except Exception as exc:  # noqa: BLE001 - a transport failure is a finding too
            failures.append(f"{method} {url}: {type(exc).__name__}: {exc}")
            return 0
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{method} {url} {(content or b'')[:200]!r} -> {response.status_code} {response.text[:200]}")
        return int(response.status_code)

    def canaries() -> None:
        """What broke for good after a bad save: reading the page and the application again."""
        for url in (f"/api/v1/pages/{seeded.ids['page_id']}", f"/api/v1/applications/{seeded.ids['application_id']}",
                    f"/api/v1/applications/{seeded.ids['application_id']}/export",
                    f"/api/v1/applications/{seeded.ids['application_id']}/lint",
                    f"/api/v1/actions/{seeded.ids['action_id']}", f"/api/v1/workspaces/{seeded.ids['workspace_id']}/audit-log"):
            send("GET", url)

    for operation in operations:
        fixed = {p.name: seeded.ids[p.name] for p in operation.path_parameters if p.name in seeded.ids}
        url = "http://testserver" + operation.path.format(**{**{p.name: "x" for p in operation.path_parameters}, **fixed})
        method = operation.method.upper()
        accepted: list[Any] = list(seeds.get((method, operation.path), []))

        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
            def generated(case: Any) -> None:
                request = case.as_transport_kwargs(base_url="http://testserver")
                body = None if isinstance(case.body, schemathesis.core.NotSet) else case.body
                headers = {k: v for k, v in (request.get("headers") or {}).items()
                           if k.lower() not in ("content-length", "user-agent", "x-schemathesis-testcaseid")}
                content = request.get("data") if isinstance(request.get("data"), bytes) else None
                if request.get("json") is not None:
                    content, headers["Content-Type"] = _json_text(body).encode(), "application/json"
                status = send(request["method"], request["url"], params=request.get("params"), headers=headers,
                              content=content)
                # Called within this iteration only, so the loop's current list is the right one.
                if status < 300 and request.get("json") is not None and len(accepted) < 3:  # noqa: B023
                    accepted.append(body)  # noqa: B023

            try:
                generated()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing in this operation can be made invalid

        # Bodies the server took (or seeds it takes), each with one value made hostile in turn.
        for body in accepted:
            if isinstance(body, dict) and "revision" in body:
                body = {**body, "revision": _current_revision(client, seeded.ids)}
            leaves = _leaves(body)
            for turn in range(max(len(HOSTILE_VALUES), min(len(leaves), 12))):
                planted = _plant(body, HOSTILE_VALUES[turn % len(HOSTILE_VALUES)], turn)
                send(method, url, headers={"Content-Type": "application/json"}, content=_json_text(planted).encode())
                hostile_sent += 1
        if accepted:
            canaries()

    assert failures == [], "\n".join(failures[:20])
    assert sent > len(operations) * EXAMPLES_PER_OPERATION  # the requests really went out
    assert hostile_sent > 200
