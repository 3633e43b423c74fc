"""Steps the viewer end-to-end tests share: the customer's orders database, and setting up a workspace."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import psycopg

FIXTURES = Path(__file__).parent / "fixtures"
CSRF = {"X-Requested-By": "lowcraft"}
PASSWORD = "correct-horse-battery"
ORDERS = [("Alice", "new", 120), ("Bob", "shipped", 80), ("Carol", "new", 45), ("Dave", "shipped", 300)]


def signup_link(server_log: str, email: str) -> str:
    """The link of the newest signup email to `email` (logged, as these servers have no SMTP)."""
    mails = server_log.split(f"email to {email}: ")
    found = re.search(r"/signup/confirm\?token=[\w-]+", mails[-1]) if len(mails) > 1 else None
    assert found, f"no signup link was emailed to {email}"
    return found.group(0)


def sign_up_later_user(request: Any, server: Any, email: str, name: str) -> Any:
    """Sign up an account after the instance's first: ask, then finish through the emailed link."""
    api_call(request, "POST", "/auth/signup", {"email": email, "password": PASSWORD, "name": name}, expect=202)
    token = signup_link(server.log(), email).split("token=", 1)[1]
    return api_call(request, "POST", "/auth/signup/confirm", {"token": token}, expect=201)


def orders_app() -> dict[str, Any]:
    return json.loads((FIXTURES / "orders_app.json").read_text())  # type: ignore[no-any-return]


def fresh_orders_table(pg: dict[str, Any]) -> None:
    with psycopg.connect(host=pg["host"], port=pg["port"], user=pg["user"], dbname=pg["database"], autocommit=True) as c:
        c.execute("drop table if exists orders")
        c.execute("create table orders (id serial primary key, customer text not null, status text not null, amount integer not null)")
        with c.cursor() as cur:
            cur.executemany("insert into orders (customer, status, amount) values (%s, %s, %s)", ORDERS)


def orders_in_db(pg: dict[str, Any]) -> list[tuple[str, str, int]]:
    with psycopg.connect(host=pg["host"], port=pg["port"], user=pg["user"], dbname=pg["database"]) as c:
        rows = c.execute("select customer, status, amount from orders order by id").fetchall()
    return [(str(customer), str(status), int(amount)) for customer, status, amount in rows]


def api_call(request: Any, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
    """A call with the cookies of `request`'s browser context (or its own, for an APIRequestContext)."""
    headers = {**CSRF, "Content-Type": "application/json"} if body is not None else CSRF
    response = request.fetch(f"/api/v1{path}", method=method, headers=headers, data=json.dumps(body) if body is not None else None)
    assert response.status == expect, f"{method} {path}: {response.status} {response.text()}"
    return response.json() if response.status != 204 else None


def create_orders_datasource(request: Any, workspace_id: str, pg: dict[str, Any]) -> dict[str, Any]:
    created: dict[str, Any] = api_call(request, "POST", f"/workspaces/{workspace_id}/datasources", {
        "name": "Orders DB", "connector": "postgres", "configs": {"production": {**pg, "password": "unused"}},
    }, expect=201)
    return created


def published_orders_app(request: Any, pg: dict[str, Any], *, public: bool = False, confirm_list_query: bool = False) -> dict[str, Any]:
    """An owner (signed up through the API of `request`) with the orders app imported and published."""
    api_call(request, "POST", "/auth/signup", {"email": "owner@example.com", "password": PASSWORD, "name": "Owner"}, expect=201)
    workspace = api_call(request, "GET", "/workspaces")["workspaces"][0]
    create_orders_datasource(request, workspace["id"], pg)
    app = api_call(request, "POST", f"/workspaces/{workspace['id']}/applications/import", {"document": orders_app()}, expect=201)
    if public:
        api_call(request, "PATCH", f"/applications/{app['id']}", {"isPublic": True})
    if confirm_list_query:
        actions = api_call(request, "GET", f"/applications/{app['id']}/actions")["actions"]
        listing = next(a for a in actions if a["name"] == "getOrders")
        api_call(request, "PATCH", f"/actions/{listing['id']}", {"settings": {**listing["settings"], "confirmBeforeRun": True}})
    api_call(request, "POST", f"/applications/{app['id']}/publish")
    return app  # type: ignore[no-any-return]
