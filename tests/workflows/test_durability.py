"""A real server killed with SIGKILL while a run waits for a decision and while a step executes:
after a restart the run completes, and the step with a visible side effect (an INSERT into a real
PostgreSQL table) happened exactly once. On a PostgreSQL store (production) and on SQLite."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from lowcraft.devserver import running_server
from tests.servers import PortForwarder, postgres_url, require_postgres, throwaway_postgres

EMAIL, PASSWORD = "owner@example.com", "correct-horse-battery"

APPROVAL = """export default {
  async executeWorkflow(data) {
    const inserted = await insertOrder.run({ customer: data.customer });
    const decision = await lowcraft.workflows.assignRequest({
      requestName: "Approve", resolutions: ["Approve", "Reject"], requestToUsers: ["owner@example.com"],
    });
    const counted = await countOrders.run({ customer: data.customer });
    return { id: inserted[0].id, decision: decision.resolution, count: counted[0].n };
  }
}
"""

MID_STEP = """export default {
  async executeWorkflow(data) {
    await insertOrder.run({ customer: data.customer });
    await slowQuery.run({ seconds: 4 });
    const counted = await countOrders.run({ customer: data.customer });
    return counted[0].n;
  }
}
"""


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The server's environment, with its store on SQLite or PostgreSQL, and a customer database."""
    require_postgres()
    with ExitStack() as stack:
        customer = stack.enter_context(throwaway_postgres("lowcraft_wf_customer"))
        with psycopg.connect(postgres_url(customer), autocommit=True) as c:
            c.execute("create table orders (id serial primary key, customer text, total numeric, status text)")
        port = 5432
        env = {
            "LOWCRAFT_DATA_DIR": str(tmp_path / "data"), "LOWCRAFT_ALLOW_PRIVATE_NETWORKS": "true",
            "LOWCRAFT_WORKFLOW_EXECUTOR_ID": "replica-a", "LOWCRAFT_ARGON2_TIME_COST": "1",
            "LOWCRAFT_ARGON2_MEMORY_KIB": "1024",
        }
        if request.param == "postgres":
            env["LOWCRAFT_DATABASE_URL"] = postgres_url(stack.enter_context(throwaway_postgres("lowcraft_wf_store")))
            forwarder = PortForwarder(("127.0.0.1", 5432))  # the store's server is off limits to datasources
            stack.callback(forwarder.stop)
            port = forwarder.port
        yield {"env": env, "customer": customer, "port": port}


class Client:
    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, headers={"X-Requested-By": "lowcraft"}, timeout=30)

    def call(self, method: str, path: str, expected: int = 200, **kwargs: Any) -> Any:
        response = self.http.request(method, "/api/v1" + path, **kwargs)
        assert response.status_code == expected, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def login(self) -> None:
        self.call("POST", "/auth/login", json={"email": EMAIL, "password": PASSWORD})


def bootstrap(client: Client, customer: str, port: int, body: str) -> dict[str, str]:
    client.call("POST", "/auth/signup", 201, json={"email": EMAIL, "password": PASSWORD, "name": "Owner"})
    ws = client.call("GET", "/workspaces")["workspaces"][0]["id"]
    ds = client.call("POST", f"/workspaces/{ws}/datasources", 201, json={
        "name": "Orders", "connector": "postgres",
        "configs": {"production": {"host": "127.0.0.1", "port": port, "user": "postgres", "database": customer}}})
    app = client.call("POST", f"/workspaces/{ws}/applications", 201, json={"name": "Durable"})
    page = client.call("GET", f"/applications/{app['id']}")["pages"][0]
    for name, sql in {
        "insertOrder": "insert into orders (customer, status) values ({{this.params.customer}}, 'new') returning id",
        "countOrders": "select count(*)::int as n from orders where customer = {{this.params.customer}}",
        "slowQuery": "select pg_sleep({{this.params.seconds}}) is null as slept",
    }.items():
        client.call("POST", f"/applications/{app['id']}/actions", 201, json={
            "pageId": page["id"], "name": name, "datasourceId": ds["id"], "config": {"sql": sql}})
    workflow = client.call("POST", f"/applications/{app['id']}/js-objects", 201, json={
        "pageId": page["id"], "name": "Flow", "body": body})
    return {"app": app["id"], "workflow": workflow["id"]}


def wait_for(client: Client, app: str, run: str, check: Any, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found: dict[str, Any] = client.call("GET", f"/applications/{app}/workflows/runs/{run}")
        if check(found):
            return found
        assert time.monotonic() < deadline, f"gave up waiting: {found}"
        time.sleep(0.1)


def inserted(customer_db: str, customer: str) -> int:
    with psycopg.connect(postgres_url(customer_db)) as c:
        row = c.execute("select count(*) from orders where customer = %s", (customer,)).fetchone()
        assert row is not None
        return int(row[0])


def kill(server: Any) -> None:
    server.process.kill()  # SIGKILL: no shutdown, no cleanup
    server.process.wait()


def test_a_run_waiting_for_approval_survives_kill_9(store: dict[str, Any]) -> None:
    with running_server(store["env"]) as server:
        client = Client(server.url)
        ids = bootstrap(client, store["customer"], store["port"], APPROVAL)
        run = client.call("POST", f"/applications/{ids['app']}/workflows/{ids['workflow']}/runs", 201,
                          json={"data": {"customer": "Kim"}})
        wait_for(client, ids["app"], run["id"], lambda r: r["status"] == "waiting")
        kill(server)
    assert inserted(store["customer"], "Kim") == 1
    with running_server(store["env"]) as server:
        client = Client(server.url)
        client.login()
        request = client.call("GET", f"/applications/{ids['app']}/workflows/requests")["requests"][0]
        client.call("POST", f"/applications/{ids['app']}/workflows/requests/{request['id']}/resolve",
                    json={"resolution": "Approve"})
        done = wait_for(client, ids["app"], run["id"], lambda r: r["status"] in ("succeeded", "failed"))
        assert done["status"] == "succeeded", done
        assert done["output"]["decision"] == "Approve" and done["output"]["count"] == 1
    assert inserted(store["customer"], "Kim") == 1


def test_a_run_killed_while_a_step_executes_resumes_after_restart(store: dict[str, Any]) -> None:
    with running_server(store["env"]) as server:
        client = Client(server.url)
        ids = bootstrap(client, store["customer"], store["port"], MID_STEP)
        run = client.call("POST", f"/applications/{ids['app']}/workflows/{ids['workflow']}/runs", 201,
                          json={"data": {"customer": "Lou"}})
        wait_for(client, ids["app"], run["id"], lambda r: len(r["steps"]) == 2 and r["steps"][1]["status"] == "running")
        kill(server)
    assert inserted(store["customer"], "Lou") == 1
    with running_server(store["env"]) as server:  # nobody calls: the restart alone resumes the run
        client = Client(server.url)
        client.login()
        done = wait_for(client, ids["app"], run["id"], lambda r: r["status"] in ("succeeded", "failed"))
        assert done["status"] == "succeeded", done
        assert done["output"] == 1
        assert [s["status"] for s in done["steps"]] == ["succeeded", "succeeded", "succeeded"]
    assert inserted(store["customer"], "Lou") == 1
