"""The per-step cap counts the script process's CPU time, not the clock: a worker paused (as when
the machine is starved) past the cap finishes its answer, a busy loop is still stopped."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from lowcraft.workflows.sandbox import Sandbox


def request(code: str) -> dict[str, object]:
    return {"code": code, "input": 2, "recorded": [], "actions": {}, "seed": 1, "now": 0}


DOUBLE = "export default { async executeWorkflow(d) { let s = 0; for (let i = 0; i < 1000; i++) s += i; return d * 2 } }"
SPIN = "export default { async executeWorkflow() { while (true) {} } }"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    pool = Sandbox(1, 300, 128)
    try:
        yield pool
    finally:
        pool.close()


def test_a_paused_worker_is_not_stopped_but_a_busy_loop_is(sandbox: Sandbox) -> None:
    assert sandbox.replay(request(DOUBLE)).get("output") == 4  # the worker started
    [worker] = list(sandbox._all)
    os.kill(worker.process.pid, signal.SIGSTOP)  # it uses no CPU, and answers nothing, for 1.5 s: 5 times the cap
    resume = threading.Timer(1.5, os.kill, (worker.process.pid, signal.SIGCONT))
    resume.start()
    started = time.monotonic()
    answer = sandbox.replay(request(DOUBLE))
    assert time.monotonic() - started >= 1.4
    assert answer.get("type") == "done" and answer.get("output") == 4, answer
    assert list(sandbox._all) == [worker] and worker.process.poll() is None  # the same worker, alive

    started = time.monotonic()
    spun = sandbox.replay(request(SPIN))
    assert spun["type"] == "error" and spun["limit"] is True
    assert "300 ms without taking a step" in str(spun["message"]) and "CPU time" in str(spun["message"])
    assert time.monotonic() - started < 5
    assert worker.process.poll() is not None  # the spinning worker was killed
    assert sandbox.replay(request(DOUBLE)).get("output") == 4  # and replaced
