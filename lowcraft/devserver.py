"""Starting a real `lowcraft serve` process and waiting until it is ready: for tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    url: str
    ready_seconds: float
    log_path: Path

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace")

    def cpu_seconds(self) -> float:
        """User plus system CPU time the server process has used, from /proc (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def tree_cpu_seconds(self) -> float:
        """`cpu_seconds` of the server and every process it started (the workers of --workers N)."""
        total, pending = 0.0, [self.process.pid]
        while pending:
            pid = pending.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                for task in Path(f"/proc/{pid}/task").iterdir():
                    pending.extend(int(child) for child in (task / "children").read_text().split())
            except (FileNotFoundError, ProcessLookupError):
                continue  # ended meanwhile
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def rss_mb(self) -> float:
        """Resident memory of the server process, from /proc (Linux)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float, log_path: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = log_path.read_text(errors="replace") if log_path else ""
            raise RuntimeError(f"server exited with {process.returncode}:\n{out}")
        try:
            with urllib.request.urlopen(url + "/api/v1/ready", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.01)
    raise TimeoutError(f"server at {url} not ready after {timeout}s")


@contextmanager
def running_server(
    env: dict[str, str], port: int | None = None, timeout: float = 30.0, args: Sequence[str] = (),
    command: Sequence[str] | None = None, cwd: Path | None = None,
) -> Iterator[ServerProcess]:
    """`lowcraft serve [args]` in a child process with `env` added to this environment.

    `command` runs another server instead (its arguments may name the port as "{port}"); the
    benchmarks start their reference servers this way. `cwd` is the server's working directory
    (`python -m` imports from there first)."""
    port = port or free_port()
    full_env = {**os.environ, "LOWCRAFT_HOST": "127.0.0.1", "LOWCRAFT_PORT": str(port), **env}
    # Output goes to a file, not a pipe: a pipe nobody reads fills up and blocks the server.
    log_file = tempfile.NamedTemporaryFile(prefix="lowcraft-serve-", suffix=".log", delete=False)
    log_path = Path(log_file.name)
    started = time.monotonic()
    process = subprocess.Popen(
        [part.format(port=port) for part in command] if command else [sys.executable, "-m", "lowcraft.cli", "serve", *args],
        env=full_env, stdout=log_file, stderr=subprocess.STDOUT, cwd=cwd,
    )
    log_file.close()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, timeout, log_path)
        yield ServerProcess(process, url, time.monotonic() - started, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_path.unlink(missing_ok=True)
