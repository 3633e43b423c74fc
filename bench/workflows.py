"""Durable workflows: runs per second and what a step costs over calling the query directly.

For each store (SQLite, then PostgreSQL) the script starts `lowcraft serve`, signs up, creates a
PostgreSQL datasource on a throwaway customer database with an `orders` table, two queries and two
workflows:

  decision: getOrder -> assignRequest (a person approves) -> countOrders     ("two queries and a decision")
  queries:  getOrder -> countOrders

and measures, in the same run:

  (1) throughput: N runs of `decision` started at once by 8 client threads, while this script
      approves every request as soon as it appears (through the API, as a person would); runs/s
      from the first start to the last run finished;
  (2) the same for `queries` (no person in the loop);
  (3) latency of one `queries` run at a time (start with waitSeconds, the "run and wait" door),
      against the baseline: the same two queries called directly through
      `POST /api/v1/actions/{id}/execute`, one after the other, in the same server.
      Step overhead = (run latency - direct latency of both queries) / 2.

    PYTHONPATH=. .venv/bin/python bench/workflows.py [--runs 100]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import psycopg

from lowcraft.devserver import running_server
from tests.servers import PortForwarder, postgres_url, throwaway_postgres

EMAIL, PASSWORD = "bench@example.com", "correct-horse-battery"
DECISION = """export default { async executeWorkflow(data) {
  const order = await getOrder.run({ id: data.id });
  const decision = await lowcraft.workflows.assignRequest({ requestName: "Approve", resolutions: ["Approve"],
    requestToUsers: ["bench@example.com"], metadata: { id: order[0].id } });
  const counted = await countOrders.run({ customer: order[0].customer });
  return { decision: decision.resolution, n: counted[0].n };
} }"""
QUERIES = """export default { async executeWorkflow(data) {
  const order = await getOrder.run({ id: data.id });
  const counted = await countOrders.run({ customer: order[0].customer });
  return counted[0].n;
} }"""
SQL = {
    "getOrder": "select id, customer, total from orders where id = {{this.params.id}}",
    "countOrders": "select count(*)::int as n from orders where customer = {{this.params.customer}}",
}


class Api:
    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url + "/api/v1", headers={"X-Requested-By": "lowcraft"}, timeout=60)

    def call(self, method: str, path: str, expected: int = 200, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        if response.status_code != expected:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None


def setup(api: Api, customer: str, port: int) -> dict[str, Any]:
    api.call("POST", "/auth/signup", 201, json={"email": EMAIL, "password": PASSWORD, "name": "Bench"})
    ws = api.call("GET", "/workspaces")["workspaces"][0]["id"]
    ds = api.call("POST", f"/workspaces/{ws}/datasources", 201, json={
        "name": "Orders", "connector": "postgres",
        "configs": {"production": {"host": "127.0.0.1", "port": port, "user": "postgres", "database": customer}}})
    app = api.call("POST", f"/workspaces/{ws}/applications", 201, json={"name": "Bench"})["id"]
    page = api.call("GET", f"/applications/{app}")["pages"][0]["id"]
    actions = {name: api.call("POST", f"/applications/{app}/actions", 201, json={
        "pageId": page, "name": name, "datasourceId": ds["id"], "config": {"sql": sql}})["id"] for name, sql in SQL.items()}
    flows = {name: api.call("POST", f"/applications/{app}/js-objects", 201, json={
        "pageId": page, "name": name, "body": body})["id"] for name, body in (("Decision", DECISION), ("Queries", QUERIES))}
    return {"app": app, "actions": actions, "flows": flows}


def start_many(api: Api, ids: dict[str, Any], flow: str, n: int) -> list[str]:
    def one(i: int) -> str:
        return str(api.call("POST", f"/applications/{ids['app']}/workflows/{flow}/runs", 201,
                            json={"data": {"id": 1 + i % 3}})["id"])

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(n)))


def finish_all(api: Api, ids: dict[str, Any], runs: set[str], approve: bool) -> None:
    app = ids["app"]
    resolved: set[str] = set()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        while True:
            if approve:
                pending = [r["id"] for r in api.call("GET", f"/applications/{app}/workflows/requests")["requests"]
                           if r["id"] not in resolved]
                list(pool.map(lambda rid: api.call(
                    "POST", f"/applications/{app}/workflows/requests/{rid}/resolve", json={"resolution": "Approve"}),
                    pending))
                resolved.update(pending)
            listed = api.call("GET", f"/applications/{app}/workflows/runs?limit=200")["runs"]
            states = {r["id"]: r["status"] for r in listed if r["id"] in runs}
            if len(states) == len(runs) and all(s in ("succeeded", "failed") for s in states.values()):
                failed = [s for s in states.values() if s != "succeeded"]
                if failed:
                    raise RuntimeError(f"{len(failed)} runs failed")
                return
            time.sleep(0.05)


def throughput(api: Api, ids: dict[str, Any], flow: str, n: int, approve: bool) -> float:
    started = time.perf_counter()
    runs = start_many(api, ids, flow, n)
    finish_all(api, ids, set(runs), approve)
    return n / (time.perf_counter() - started)


def latency(api: Api, ids: dict[str, Any], repeat: int) -> tuple[float, float]:
    app, flow = ids["app"], ids["flows"]["Queries"]
    run_ms, direct_ms = [], []
    for i in range(repeat):
        t = time.perf_counter()
        run = api.call("POST", f"/applications/{app}/workflows/{flow}/runs", 201,
                       json={"data": {"id": 1 + i % 3}, "waitSeconds": 30})
        assert run["status"] == "succeeded", run
        run_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        order = api.call("POST", f"/actions/{ids['actions']['getOrder']}/execute",
                         json={"mode": "edit", "params": {"this.params.id": 1 + i % 3}})
        api.call("POST", f"/actions/{ids['actions']['countOrders']}/execute",
                 json={"mode": "edit", "params": {"this.params.customer": order["body"][0]["customer"]}})
        direct_ms.append((time.perf_counter() - t) * 1000)
    return statistics.median(run_ms), statistics.median(direct_ms)


def bench_store(kind: str, runs: int) -> dict[str, float]:
    with ExitStack() as stack:
        customer = stack.enter_context(throwaway_postgres("lowcraft_bench_wf"))
        with psycopg.connect(postgres_url(customer), autocommit=True) as c:
            c.execute("create table orders (id serial primary key, customer text, total numeric)")
            c.execute("insert into orders (customer, total) values ('Ada', 10), ('Bob', 20), ('Ada', 5)")
        data = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env = {"LOWCRAFT_DATA_DIR": str(data), "LOWCRAFT_ALLOW_PRIVATE_NETWORKS": "true", "LOWCRAFT_LOG_LEVEL": "WARNING",
               "LOWCRAFT_WORKFLOW_CONCURRENCY": "32"}
        port = 5432
        if kind == "postgres":
            env["LOWCRAFT_DATABASE_URL"] = postgres_url(stack.enter_context(throwaway_postgres("lowcraft_bench_store")))
            forwarder = PortForwarder(("127.0.0.1", 5432))  # the store's own server is off limits to datasources
            stack.callback(forwarder.stop)
            port = forwarder.port
        server = stack.enter_context(running_server(env))
        api = Api(server.url)
        ids = setup(api, customer, port)
        throughput(api, ids, ids["flows"]["Queries"], 5, approve=False)  # warm up: engine, isolates, pools
        decision = throughput(api, ids, ids["flows"]["Decision"], runs, approve=True)
        queries = throughput(api, ids, ids["flows"]["Queries"], runs, approve=False)
        run_ms, direct_ms = latency(api, ids, 20)
        return {"decision": decision, "queries": queries, "run_ms": run_ms, "direct_ms": direct_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    print(f"{'store':<10} {'decision runs/s':>16} {'2-query runs/s':>15} {'run p50 ms':>11} {'direct p50 ms':>14} "
          f"{'overhead/step ms':>17}")
    for kind in ("sqlite", "postgres"):
        r = bench_store(kind, args.runs)
        overhead = (r["run_ms"] - r["direct_ms"]) / 2
        print(f"{kind:<10} {r['decision']:>16.1f} {r['queries']:>15.1f} {r['run_ms']:>11.1f} {r['direct_ms']:>14.1f} "
              f"{overhead:>17.1f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
