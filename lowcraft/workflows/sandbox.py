"""Worker processes that run workflow scripts, each its own V8 isolate per run (`isolate.py`).

Why processes: mini-racer's timeout and memory cap stop a script only while its first evaluation
runs; everything after an `await` runs on the isolate's thread afterwards, where a `while(true){}`
or a growing array would hold that thread (and the process) forever. So the script runs in a
worker process the server watches: past the time cap (`LOWCRAFT_WORKFLOW_STEP_TIMEOUT_MS`, the
CPU time a script may use between two steps, read from the worker's /proc/<pid>/stat, so a worker
that waits for the machine, starved or paused, is not stopped while a busy loop is; a worker that
answers nothing for `WALL_FACTOR` times the cap, and at least `WALL_MIN_SECONDS`, is stopped too)
or past the memory cap (its resident memory above
what an idle worker uses, `LOWCRAFT_WORKFLOW_MEMORY_MB`) the worker is killed and replaced, and
the run fails with an error that says which limit it hit. The server's own threads only wait.
"""

from __future__ import annotations

import json
import os
import queue
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ISOLATE = str(Path(__file__).with_name("isolate.py"))
WATCH_EVERY = 0.02
BACKSTOP_MB = 4096  # address space a worker may write at all (V8 reserves some 1 GB up front)
_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICKS = os.sysconf("SC_CLK_TCK")
WALL_FACTOR = 10
WALL_MIN_SECONDS = 60.0


class LimitReached(Exception):
    """The script was stopped (time or memory); the message says which and by how much."""


class _Worker:
    def __init__(self, backstop_bytes: int) -> None:
        def limit() -> None:  # in the child, before exec
            resource.setrlimit(resource.RLIMIT_DATA, (backstop_bytes, backstop_bytes))
            os.setsid()

        self.process = subprocess.Popen(
            [sys.executable, "-I", ISOLATE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, preexec_fn=limit, close_fds=True,  # noqa: PLW1509
        )
        self.buffer = b""
        self.baseline = 0

    def rss(self) -> int:
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as f:
                return int(f.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            return 0

    def cpu_seconds(self) -> float:
        """CPU time the worker used so far (user + system, all its threads)."""
        try:
            with open(f"/proc/{self.process.pid}/stat", "rb") as f:
                fields = f.read().rpartition(b")")[2].split()
            return (int(fields[11]) + int(fields[12])) / _TICKS
        except (OSError, ValueError, IndexError):
            return 0.0

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def ask(self, request: dict[str, Any], timeout: float, memory_bytes: int) -> dict[str, Any] | None:
        """The answer, or None if the process died; LimitReached when it had to be stopped."""
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        fd = self.process.stdout.fileno()
        cpu_start = self.cpu_seconds()
        deadline = time.monotonic() + max(timeout * WALL_FACTOR, WALL_MIN_SECONDS)
        while b"\n" not in self.buffer:
            used = self.cpu_seconds() - cpu_start
            if used > timeout or time.monotonic() > deadline:
                self.kill()
                raise LimitReached(
                    f"The workflow's script computed for more than {timeout * 1000:.0f} ms without taking a step "
                    "and was stopped (LOWCRAFT_WORKFLOW_STEP_TIMEOUT_MS, CPU time)."
                    if used > timeout else
                    "The workflow's script answered nothing for "
                    f"{max(timeout * WALL_FACTOR, WALL_MIN_SECONDS):.0f} s and was stopped."
                )
            ready, _, _ = select.select([fd], [], [], WATCH_EVERY)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return None
                self.buffer += chunk
            elif self.baseline and self.rss() - self.baseline > memory_bytes:
                self.kill()
                raise LimitReached(
                    f"The workflow's script used more than {memory_bytes // (1024 * 1024)} MB of memory and was "
                    "stopped (LOWCRAFT_WORKFLOW_MEMORY_MB)."
                )
        line, _, self.buffer = self.buffer.partition(b"\n")
        answer: dict[str, Any] = json.loads(line)
        return answer


WARM_UP = {
    "code": "export default { async executeWorkflow(data) { return data } }", "input": 1, "recorded": [],
    "actions": {}, "seed": 1, "now": 0,
}


class Sandbox:
    """A pool of isolate processes, started on first use; `replay` may be called from any thread."""

    def __init__(self, size: int, timeout_ms: int, memory_mb: int) -> None:
        self.size = size
        self.timeout = timeout_ms / 1000
        self.memory_bytes = memory_mb * 1024 * 1024
        self.backstop = max(BACKSTOP_MB, memory_mb * 4) * 1024 * 1024
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(size):
            self._idle.put(None)  # a slot whose worker is started when first needed
        self._closed = False
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()

    def _start(self) -> _Worker:
        worker = _Worker(self.backstop)
        with self._lock:
            self._all.add(worker)
        answer = worker.ask({**WARM_UP, "memoryMb": 64}, 30, 1 << 40)
        if answer is None or answer.get("type") != "done":
            worker.kill()
            raise RuntimeError("The workflow script process did not start (is mini-racer installed?).")
        worker.baseline = worker.rss()
        return worker

    def _drop(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def replay(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run the script once with its recorded steps: the next step it asks for, its output or its error."""
        slot = self._idle.get()
        worker = slot
        try:
            if worker is None or worker.process.poll() is not None:
                if worker is not None:
                    self._drop(worker)
                worker = self._start()
            try:
                answer = worker.ask({**request, "memoryMb": self.memory_bytes // (1024 * 1024)}, self.timeout, self.memory_bytes)
            except LimitReached as stopped:
                self._drop(worker)
                worker = None
                return {"type": "error", "step": None, "message": str(stopped), "limit": True}
            if answer is None:
                self._drop(worker)
                worker = None
                return {
                    "type": "error", "step": None, "limit": True,
                    "message": "The workflow's script used more memory than the process may have and was stopped.",
                }
            if worker.process.poll() is not None:
                self._drop(worker)
                worker = None
            return answer
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
