"""Generated requests over the whole API (schemathesis over `/api/v1/openapi.json`): no 5xx.

A Developer of a seeded workspace (an application with a page, a query on an SQLite file, a JS
object, an invite, a token) sends requests schemathesis derives from the OpenAPI document, both
valid ones and ones that break the schema, against real ids so the deep routes are reached. One
body in three also has a hostile value planted at a random place: a lone surrogate, NaN, 1e400, an
integer beyond 64 bits, nesting past the edge's limit (issue 11, finding 6).

Bounded so the suite can afford it on two cores: a few examples per operation and generation mode,
derandomised (the same requests every run), destructive operations last.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from lowcraft.app import create_app
from lowcraft.jsoncheck import MAX_DEPTH
from tests.conftest import CSRF, Api, Instance, make_settings

EXAMPLES_PER_OPERATION = 6
"""Per operation and generation mode: 69 operations x 2 modes x 6 ~ 800 requests, about 30 s here."""


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
    sqlite3.connect(folder / "orders.db").executescript(
        "create table orders (id integer primary key, total real); insert into orders values (1, 9.5);")
    ds = developer.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Orders DB", "connector": "sqlite", "configs": {"production": {"path": str(folder / "orders.db")}}})
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


def _plant(body: Any, value: Any, choice: int) -> Any:
    """`body` with `value` in place of one of its leaves (or added under a new key), by `choice`."""
    if isinstance(body, dict):
        if not body or choice % 3 == 0:
            return {**body, "planted": value}
        key = sorted(body)[choice % len(body)]
        return {**body, key: _plant(body[key], value, choice // 3)}
    if isinstance(body, list):
        if not body:
            return [value]
        index = choice % len(body)
        return [*body[:index], _plant(body[index], value, choice // 3), *body[index + 1:]]
    return value


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


def test_generated_requests_never_get_a_server_error(seeded: Seeded) -> None:
    client = Api(seeded.instance.app, headers=CSRF, raise_server_exceptions=False)
    client.cookies.update(seeded.developer.cookies)
    schema = schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").json())
    results = list(schema.get_all_operations())
    operations = sorted((result.ok() for result in results if isinstance(result, Ok)), key=_order)
    assert len(operations) == len(results)  # schemathesis read every operation of the document
    assert len(operations) > 60  # every route is in the document
    failures: list[str] = []
    sent = 0

    for operation in operations:
        fixed = {p.name: seeded.ids[p.name] for p in operation.path_parameters if p.name in seeded.ids}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

            @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=strategy, hostile=st.sampled_from([None, None, *HOSTILE_VALUES]), choice=st.integers(0, 99))
            def send(case: Any, hostile: Any, choice: int) -> None:
                nonlocal sent
                request = case.as_transport_kwargs(base_url="http://testserver")
                body = case.body if not isinstance(case.body, schemathesis.core.NotSet) else None
                content: bytes | None = request.get("data") if isinstance(request.get("data"), bytes) else None
                headers = {k: v for k, v in (request.get("headers") or {}).items()
                           if k.lower() not in ("content-length", "user-agent", "x-schemathesis-testcaseid")}
                if body is not None and (hostile is not None or request.get("json") is not None):
                    content = _json_text(_plant(body, hostile, choice) if hostile is not None else body).encode()
                    headers["Content-Type"] = "application/json"
                try:
                    response = client.request(request["method"], request["url"], params=request.get("params"),
                                              headers=headers, content=content)
                except Exception as exc:  # noqa: BLE001 - a transport failure is a finding too
                    failures.append(f"{request['method']} {request['url']}: {type(exc).__name__}: {exc}")
                    return
                sent += 1
                if response.status_code >= 500:
                    failures.append(f"{request['method']} {request['url']} {(content or b'')[:200]!r} -> "
                                    f"{response.status_code} {response.text[:200]}")

            try:
                send()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing in this operation can be made invalid

    assert failures == [], "\n".join(failures[:20])
    assert sent > len(operations) * EXAMPLES_PER_OPERATION  # the requests really went out

