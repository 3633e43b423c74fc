"""deploy/healthcheck.py, the container's HEALTHCHECK: healthy only when /api/v1/health answers 2xx."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "healthcheck.py"


class _Server(ThreadingHTTPServer):
    status = 200
    paths: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.paths = []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def run_probe(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LOWCRAFT_")}
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.1", ""])
def test_a_server_answering_ok_is_healthy(server: _Server, host: str) -> None:
    result = run_probe({"LOWCRAFT_HOST": host, "LOWCRAFT_PORT": str(server.server_address[1])})
    assert result.returncode == 0, result.stderr
    assert server.paths == ["/api/v1/health"]


@pytest.mark.parametrize("status", [500, 503, 404])
def test_a_server_answering_an_error_is_unhealthy(server: _Server, status: int) -> None:
    server.status = status
    result = run_probe({"LOWCRAFT_PORT": str(server.server_address[1])})
    assert result.returncode == 1
    assert str(status) in result.stderr


def test_no_server_listening_is_unhealthy() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    result = run_probe({"LOWCRAFT_PORT": str(free_port)})
    assert result.returncode == 1
    assert "/api/v1/health" in result.stderr
