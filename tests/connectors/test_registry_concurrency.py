"""The registry under concurrency: right after a start, many first executions of one connector at
once all find it, whichever of them imports it (issue 19: 9 of 10 answered `unknown_connector`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from tests.servers import require_postgres

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter, so PostgreSQL's connector (and psycopg) are imported by the first
# executions themselves, as on a server that just started.
FIRST_EXECUTIONS = textwrap.dedent(
    """
    import asyncio, json, sys, threading
    from lowcraft.actions.execution import execute_action
    from lowcraft.connectors import InstancePolicy

    assert "lowcraft.connectors.postgres" not in sys.modules, "not a first use"
    config = json.loads(sys.argv[1])
    callers = int(sys.argv[2])
    start = threading.Barrier(callers)
    results = [None] * callers

    def execute(i):
        start.wait()
        results[i] = asyncio.run(execute_action(
            "postgres", config, {"sql": "select 1 as one"}, {}, policy=InstancePolicy(allow_loopback=True)))

    threads = [threading.Thread(target=execute, args=(i,)) for i in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps([{"ok": r["isExecutionSuccess"], "error": r.get("error"), "body": r["body"]} for r in results]))
    """
)


def test_concurrent_first_executions_on_a_fresh_process_all_find_the_connector(pg_database: dict[str, Any]) -> None:
    require_postgres()
    callers = 16
    finished = subprocess.run(
        [sys.executable, "-c", FIRST_EXECUTIONS, json.dumps(pg_database), str(callers)],
        check=False, capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert finished.returncode == 0, finished.stderr
    results = json.loads(finished.stdout)
    failures = [r["error"] for r in results if not r["ok"]]
    assert failures == []
    assert [r["body"] for r in results] == [[{"one": 1}]] * callers
