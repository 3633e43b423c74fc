"""deploy/Caddyfile at work: Caddy on loopback with given certificate files, in front of two origins.

The origins are small HTTP servers answering like Lowcraft's edges do (/api/v1/ready, a page,
a WebSocket upgrade), so this checks the proxy's own behaviour: TLS, redirect, balancing, health
checks, retries, compression, headers and upgrades. Lowcraft replicas behind the same file are
the subject of the end-to-end replica test.
"""

from __future__ import annotations

import gzip
import http.client
import os
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy.certificates import write_self_signed

CADDYFILE = Path(__file__).resolve().parents[2] / "deploy" / "Caddyfile"
PAGE = ("<p>" + "Lowcraft " * 200 + "</p>").encode()
HEALTH_INTERVAL = 0.2


class Origin(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, name: str) -> None:
        super().__init__(("127.0.0.1", 0), OriginHandler)
        self.name = name
        self.ready = True
        self.hits = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


class OriginHandler(BaseHTTPRequestHandler):
    server: Origin
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path == "/api/v1/ready":
            self._reply(200 if self.server.ready else 503, b"{}", "application/json")
        elif self.headers.get("Upgrade", "").lower() == "websocket":
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", "accepted")
            self.end_headers()
            self.wfile.flush()
            # Past the upgrade the connection is the application's: echo what arrives.
            data = self.connection.recv(1024)
            self.connection.sendall(self.server.name.encode() + b":" + data)
            self.close_connection = True
        else:
            self.server.hits += 1
            self._reply(200, PAGE, "text/html; charset=utf-8", {"X-Origin": self.server.name})

    def _reply(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Proxy:
    https_port: int
    http_port: int
    tls: ssl.SSLContext
    origins: list[Origin]

    def get(self, path: str = "/", headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPSConnection("localhost", self.https_port, context=self.tls, timeout=10)
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        connection.close()
        return response


@pytest.fixture
def proxy(caddy_bin: str, tmp_path: Path) -> Iterator[Proxy]:
    cert, key = write_self_signed(tmp_path)
    origins = [Origin("one"), Origin("two")]
    for origin in origins:
        threading.Thread(target=origin.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    https_port, http_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOWCRAFT_")}
    env |= {
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "LOWCRAFT_DOMAIN": "localhost",
        "LOWCRAFT_TLS": "files",
        "LOWCRAFT_TLS_CERT": str(cert),
        "LOWCRAFT_TLS_KEY": str(key),
        "LOWCRAFT_UPSTREAMS": " ".join(o.address for o in origins),
        "LOWCRAFT_HTTP_PORT": str(http_port),
        "LOWCRAFT_HTTPS_PORT": str(https_port),
        "LOWCRAFT_HEALTH_INTERVAL": f"{int(HEALTH_INTERVAL * 1000)}ms",
        "LOWCRAFT_CADDY_ADMIN": "off",
    }
    log = (tmp_path / "caddy.log").open("w")
    process = subprocess.Popen(
        [caddy_bin, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    tls = ssl.create_default_context(cafile=str(cert))
    proxy = Proxy(https_port, http_port, tls, origins)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                if proxy.get("/").status == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, (tmp_path / "caddy.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "caddy.log").read_text()
            time.sleep(0.1)
        yield proxy
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        for origin in origins:
            origin.shutdown()
            origin.server_close()


def test_serves_https_with_the_given_certificate_and_redirects_http(proxy: Proxy) -> None:
    response = proxy.get("/")
    assert response.status == 200 and response.body == PAGE  # type: ignore[attr-defined]

    plain = http.client.HTTPConnection("localhost", proxy.http_port, timeout=10)
    plain.request("GET", "/apps/orders?page=2")
    redirect = plain.getresponse()
    assert redirect.status in (301, 308)
    # Caddy names the https_port in the redirect only when it differs from its https_port setting,
    # so on this test's high ports the Location carries none; on 80/443 it is exact.
    assert redirect.getheader("Location") == "https://localhost/apps/orders?page=2"


def test_spreads_requests_over_both_replicas(proxy: Proxy) -> None:
    served_by = {proxy.get("/").getheader("X-Origin") for _ in range(30)}
    assert served_by == {"one", "two"}


def test_a_replica_that_is_not_ready_gets_no_requests_until_it_is(proxy: Proxy) -> None:
    _, two = proxy.origins
    two.ready = False
    time.sleep(HEALTH_INTERVAL * 5)
    two.hits = 0
    assert {proxy.get("/").getheader("X-Origin") for _ in range(20)} == {"one"}
    assert two.hits == 0

    two.ready = True
    time.sleep(HEALTH_INTERVAL * 5)
    assert "two" in {proxy.get("/").getheader("X-Origin") for _ in range(30)}


def test_a_stopped_replica_loses_no_requests(proxy: Proxy) -> None:
    _, two = proxy.origins
    statuses = [proxy.get("/").status for _ in range(10)]
    two.shutdown()
    two.server_close()
    statuses += [proxy.get("/").status for _ in range(30)]
    assert statuses == [200] * 40


@pytest.mark.parametrize("encoding", ["zstd", "gzip"])
def test_compresses_responses(proxy: Proxy, encoding: str) -> None:
    response = proxy.get("/", {"Accept-Encoding": encoding})
    assert response.getheader("Content-Encoding") == encoding
    body: bytes = response.body  # type: ignore[attr-defined]
    assert len(body) < len(PAGE) / 4
    if encoding == "gzip":
        assert gzip.decompress(body) == PAGE


def test_adds_security_headers_and_hides_the_origin_server(proxy: Proxy) -> None:
    response = proxy.get("/")
    assert (response.getheader("Strict-Transport-Security") or "").startswith("max-age=")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert response.getheader("Server") is None


def test_websocket_upgrades_pass_through(proxy: Proxy) -> None:
    raw = socket.create_connection(("localhost", proxy.https_port), timeout=10)
    with proxy.tls.wrap_socket(raw, server_hostname="localhost") as conn:
        conn.sendall(
            b"GET /api/v1/realtime HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: dGVzdA==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(1024)
        assert head.startswith(b"HTTP/1.1 101")
        conn.sendall(b"hello")
        echoed = head.split(b"\r\n\r\n", 1)[1]
        while not echoed.endswith(b"hello"):
            chunk = conn.recv(1024)
            assert chunk, f"connection closed after {echoed!r}"
            echoed += chunk
        assert echoed in (b"one:hello", b"two:hello")
