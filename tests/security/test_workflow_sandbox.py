"""Security, workflow scripts: a Developer's JavaScript that the server runs, on its own machine,
unattended (on a schedule, a webhook, an app's button).

- Escape: the script runs in a V8 isolate in a worker process with no network, files, timers or
  host objects; it reaches the world only through its steps (the app's queries, the workspace's
  REST datasources), and cannot replace the engine's hooks or the `lowcraft` object.
- Exhaustion: a busy loop (also one that starts after an `await`, beyond V8's own timeout) and
  memory growth, gradual or at once, are stopped with an error naming the limit, while the server
  keeps answering and other runs complete.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.workflows.conftest import add_workflow, start, wait_status

# The engine's backend plays no part here: one is enough.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

# What a script finds when it looks for a way out: probe name -> JS expression -> what it must get.
PROBES: dict[str, tuple[str, Any]] = {
    "fetch": ("typeof fetch", "undefined"),
    "require": ("typeof require", "undefined"),
    "process": ("typeof process", "undefined"),
    "XMLHttpRequest": ("typeof XMLHttpRequest", "undefined"),
    "WebSocket": ("typeof WebSocket", "undefined"),
    "setTimeout": ("typeof setTimeout", "undefined"),
    "setInterval": ("typeof setInterval", "undefined"),
    "Deno": ("typeof Deno", "undefined"),
    "module": ("typeof module", "undefined"),
    "process through Function": ('Function("return typeof process")()', "undefined"),
    "process through a constructor": ('(() => 0).constructor.constructor("return typeof require")()', "undefined"),
    "dynamic import": ('await import("fs").then(() => "imported", () => "refused")', "refused"),
    "replace the engine's start hook": (('(() => { try { globalThis.__lcStart = () => "forged" } catch (e) {} '
                                        "return globalThis.__lcStart.toString().includes('forged') })()"), False),
    "replace lowcraft.http": (('(() => { try { lowcraft.http = () => "forged" } catch (e) {} '
                              "return lowcraft.http.toString().includes('forged') })()"), False),
    "http to an address": (('await lowcraft.http({ url: "http://169.254.169.254/latest/meta-data/" })'
                           '.then(() => "reached", (e) => e.message.includes("REST API datasource"))'), True),
}


def test_a_script_reaches_nothing_but_its_steps(admin: Api, wf: dict[str, Any]) -> None:
    entries = ",\n".join(f"        {name!r}: {expression}" for name, (expression, _) in PROBES.items())
    body = f"export default {{ async executeWorkflow() {{\n      return {{\n{entries}\n      }};\n    }} }}"
    workflow = add_workflow(admin, wf, "Probe", body)
    done = wait_status(admin, wf, start(admin, wf, workflow)["id"], "succeeded", "failed")
    assert done["status"] == "succeeded", done
    assert done["output"] == {name: expected for name, (_, expected) in PROBES.items()}
    assert [(s["kind"], s["status"]) for s in done["steps"]] == [("http", "failed")]  # the address was never asked


# Scripts that would hold a worker or the machine, and the words of the error that stops each.
RUNAWAY = {
    "Spin": ("while (true) {}", "ms without taking a step"),
    "SpinAfterAwait": ("await lowcraft.sleep(1); while (true) {}", "ms without taking a step"),
    "Hog": ("const chunks = []; while (true) { const b = new Uint8Array(64 * 1024 * 1024); b.fill(1); chunks.push(b); }",
            "MB of memory"),
    "Big": ("const b = new Uint8Array(1024 * 1024 * 1024); b.fill(7); return b.length", "MB of memory"),
}


def test_runaway_scripts_are_stopped_with_a_clear_error_and_the_server_answers(admin: Api, wf: dict[str, Any]) -> None:
    runs = {name: start(admin, wf, add_workflow(admin, wf, name, f"export default {{ async executeWorkflow() {{ {code} }} }}"))
            for name, (code, _) in RUNAWAY.items()}
    assert admin.get("/api/v1/health").status_code == 200
    for name, (_, words) in RUNAWAY.items():
        stopped = wait_status(admin, wf, runs[name]["id"], "failed", "succeeded", timeout=60)
        assert stopped["status"] == "failed" and words in stopped["error"]["message"], (name, stopped)
    ok = add_workflow(admin, wf, "Fine", "export default { async executeWorkflow(d) { return d * 2 } }")
    assert wait_status(admin, wf, start(admin, wf, ok, 21)["id"], "succeeded")["output"] == 42
