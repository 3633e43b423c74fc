"""Two replicas on one PostgreSQL store both execute runs from the shared queue, and a workflow's
concurrency limit holds across them."""

from __future__ import annotations

import base64
import secrets
import time
from contextlib import ExitStack
from pathlib import Path

import psycopg

from lowcraft.devserver import running_server
from tests.servers import PortForwarder, postgres_url, require_postgres, throwaway_postgres
from tests.workflows.test_durability import Client, bootstrap, inserted, kill, wait_for

SLOW = """export default { async executeWorkflow(data) {
  await slowQuery.run({ seconds: 0.3 });
  return data.i;
} }"""


def _shared_store(stack: ExitStack, settings: dict[str, str]) -> tuple[str, PortForwarder, dict[str, str]]:
    """The customer's database (an `orders` table), a forwarder the datasource reaches it through,
    and the environment two replicas share: one PostgreSQL store and one encryption key."""
    customer: str = stack.enter_context(throwaway_postgres("lowcraft_wf_customer"))
    with psycopg.connect(postgres_url(customer), autocommit=True) as c:
        c.execute("create table orders (id serial primary key, customer text, total numeric, status text)")
    store = postgres_url(stack.enter_context(throwaway_postgres("lowcraft_wf_store")))
    forwarder = PortForwarder(("127.0.0.1", 5432))
    stack.callback(forwarder.stop)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    common = {"LOWCRAFT_DATABASE_URL": store, "LOWCRAFT_ENCRYPTION_KEY": key, "LOWCRAFT_ALLOW_PRIVATE_NETWORKS": "true",
              "LOWCRAFT_ARGON2_TIME_COST": "1", "LOWCRAFT_ARGON2_MEMORY_KIB": "1024", **settings}
    return customer, forwarder, common


def test_every_replica_executes_runs_within_the_workflow_limit(tmp_path: Path) -> None:
    require_postgres()
    with ExitStack() as stack:
        customer, forwarder, common = _shared_store(stack, {"LOWCRAFT_WORKFLOW_CONCURRENCY": "4"})
        a = stack.enter_context(running_server({**common, "LOWCRAFT_DATA_DIR": str(tmp_path / "a"),
                                                "LOWCRAFT_WORKFLOW_EXECUTOR_ID": "replica-a"}))
        first = Client(a.url)
        ids = bootstrap(first, customer, forwarder.port, SLOW)
        b = stack.enter_context(running_server({**common, "LOWCRAFT_DATA_DIR": str(tmp_path / "b"),
                                                "LOWCRAFT_WORKFLOW_EXECUTOR_ID": "replica-b"}))
        second = Client(b.url)
        second.login()
        path = f"/applications/{ids['app']}/workflows/{ids['workflow']}/runs"
        # Each replica joins the queue at its first workflow use.
        for client in (first, second):
            client.call("POST", path, 201, json={"data": {"i": -1}, "waitSeconds": 20})
        runs = [(first if i % 2 else second).call("POST", path, 201, json={"data": {"i": i}})["id"] for i in range(40)]
        deadline = time.monotonic() + 90
        peak = 0
        while True:
            listed = first.call("GET", f"/applications/{ids['app']}/workflows/runs?limit=200")["runs"]
            states = {r["id"]: r["status"] for r in listed if r["id"] in set(runs)}
            peak = max(peak, sum(1 for s in states.values() if s == "running"))
            if len(states) == 40 and all(s == "succeeded" for s in states.values()):
                break
            if time.monotonic() > deadline:
                with psycopg.connect(common["LOWCRAFT_DATABASE_URL"]) as c:
                    print(c.execute("select executor_id, status, count(*) from dbos.workflow_status group by 1, 2").fetchall())
                print("A", a.log()[-3000:])
                print("B", b.log()[-3000:])
            assert time.monotonic() < deadline, states
            time.sleep(0.05)
        assert peak <= 4
        with psycopg.connect(common["LOWCRAFT_DATABASE_URL"]) as c:
            executors: dict[str, int] = dict(c.execute(
                "select executor_id, count(*) from dbos.workflow_status where name = 'lowcraft.workflow.advance' "
                "group by executor_id").fetchall())
        assert set(executors) == {"replica-a", "replica-b"}, executors
        assert min(executors.values()) >= 5, executors


TAKEOVER = """export default { async executeWorkflow(data) {
  await insertOrder.run({ customer: data.customer });
  if (data.sleep) { await lowcraft.sleep(4000); } else { await slowQuery.run({ seconds: 4 }); }
  const counted = await countOrders.run({ customer: data.customer });
  return counted[0].n;
} }"""


def test_a_live_replica_resumes_the_runs_of_a_replica_killed_mid_run(tmp_path: Path) -> None:
    require_postgres()
    with ExitStack() as stack:
        customer, forwarder, common = _shared_store(stack, {"LOWCRAFT_WORKFLOW_EXECUTOR_TIMEOUT_SECONDS": "3"})
        a = stack.enter_context(running_server({**common, "LOWCRAFT_DATA_DIR": str(tmp_path / "a"),
                                                "LOWCRAFT_WORKFLOW_EXECUTOR_ID": "replica-a"}))
        first = Client(a.url)
        ids = bootstrap(first, customer, forwarder.port, TAKEOVER)
        path = f"/applications/{ids['app']}/workflows/{ids['workflow']}/runs"
        mid_step = first.call("POST", path, 201, json={"data": {"customer": "Mo"}})["id"]
        sleeping = first.call("POST", path, 201, json={"data": {"customer": "Sy", "sleep": True}})["id"]
        for run in (mid_step, sleeping):
            wait_for(first, ids["app"], run, lambda r: len(r["steps"]) == 2 and r["steps"][1]["status"] == "running")
        kill(a)  # SIGKILL while one run's query executes and the other sleeps: replica-a never comes back
        assert (inserted(customer, "Mo"), inserted(customer, "Sy")) == (1, 1)
        b = stack.enter_context(running_server({**common, "LOWCRAFT_DATA_DIR": str(tmp_path / "b"),
                                                "LOWCRAFT_WORKFLOW_EXECUTOR_ID": "replica-b"}))
        second = Client(b.url)
        second.login()
        for run, who in ((mid_step, "Mo"), (sleeping, "Sy")):
            done = wait_for(second, ids["app"], run, lambda r: r["status"] in ("succeeded", "failed"), timeout=90)
            assert done["status"] == "succeeded", (done, b.log()[-3000:])
            assert done["output"] == 1  # the insert before the kill was not run again
            assert [s["status"] for s in done["steps"]] == ["succeeded", "succeeded", "succeeded"]
            assert inserted(customer, who) == 1
        with psycopg.connect(common["LOWCRAFT_DATABASE_URL"]) as c:
            executors: dict[str, str] = dict(c.execute(
                "select workflow_uuid, executor_id from dbos.workflow_status where workflow_uuid = any(%s)",
                ([f"{mid_step}.1", f"{sleeping}.1"],)).fetchall())
            alive = [r[0] for r in c.execute("select executor_id from workflow_executors").fetchall()]
        assert set(executors.values()) == {"replica-b"}, executors
        assert alive == ["replica-b"]  # replica-a's row was claimed (deleted) when it was taken over
