"""Lowcraft as deployed with replicas, for tests: `lowcraft serve` processes sharing one PostgreSQL
database, one Redis database and one encryption key, with Caddy in front of them.

Two Caddy set-ups: the shipped deploy/Caddyfile (TLS, least_conn across the replicas), and a
routing one for browser tests that sends each request, WebSocket upgrades included, to the replica
named by the browser's `lowcraft_replica` cookie, so two browsers on one public address are known
to land on different replicas.
"""

from __future__ import annotations

import base64
import os
import secrets
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from lowcraft.devserver import free_port, wait_ready
from tests.deploy.certificates import write_self_signed

CADDYFILE = Path(__file__).resolve().parents[1] / "deploy" / "Caddyfile"
ROUTE_COOKIE = "lowcraft_replica"


@dataclass
class Replica:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        """What the replica printed so far."""
        return self.log_path.read_text(errors="replace")

    def accepted_sockets(self) -> int:
        """How many WebSocket connections to /api/v1/ws the replica accepted so far (its access log)."""
        return self.log().count('"WebSocket /api/v1/ws')


def trusting(certificate: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate))


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cluster_env(public_url: str, database_url: str, redis_db: int) -> dict[str, str]:
    """What every replica of one cluster shares: its public address, store, Redis and key."""
    return {
        "LOWCRAFT_BASE_URL": public_url,
        "LOWCRAFT_DATABASE_URL": database_url,
        "LOWCRAFT_REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "LOWCRAFT_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "LOWCRAFT_TRUSTED_PROXIES": "127.0.0.1",
        "LOWCRAFT_ARGON2_TIME_COST": "1",
        "LOWCRAFT_ARGON2_MEMORY_KIB": "1024",
        "LOWCRAFT_LOG_LEVEL": "INFO",  # the access log tells which replica took a request
    }


@contextmanager
def started_replicas(folder: Path, shared: dict[str, str], count: int = 2, *, together: bool = False) -> Iterator[list[Replica]]:
    """`count` replicas with the `shared` environment, each with a data folder and log in `folder`.

    One at a time (each ready before the next starts, so one migrates the store), or `together`:
    all launched at once, not waited for (they race to migrate an empty store). Stopped at the end.
    """
    replicas: list[Replica] = []
    try:
        for index in range(count):
            name, port = f"replica-{index + 1}", free_port()
            env = {k: v for k, v in os.environ.items() if not k.startswith("LOWCRAFT_")} | shared | {
                "LOWCRAFT_DATA_DIR": str(folder / name), "LOWCRAFT_HOST": "127.0.0.1", "LOWCRAFT_PORT": str(port)}
            log = folder / f"{name}.log"
            process = subprocess.Popen([sys.executable, "-m", "lowcraft.cli", "serve"], env=env,
                                       stdout=log.open("wb"), stderr=subprocess.STDOUT)
            replicas.append(Replica(name, f"http://127.0.0.1:{port}", process, log))
            if not together:
                wait_ready(replicas[-1].url, process, 60, log)
        yield replicas
    finally:
        for replica in replicas:
            stop(replica.process)


def _run_caddy(caddy_bin: str, folder: Path, config: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOWCRAFT_")} | env | {
        "HOME": str(folder), "XDG_DATA_HOME": str(folder / "data"), "XDG_CONFIG_HOME": str(folder / "config")}
    log = (folder / "caddy.log").open("wb")
    return subprocess.Popen([caddy_bin, "run", "--config", str(config), "--adapter", "caddyfile"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_proxy(process: subprocess.Popen[bytes], folder: Path, url: str, verify: ssl.SSLContext | bool) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(url + "/api/v1/ready", verify=verify, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, (folder / "caddy.log").read_text()
        time.sleep(0.1)


def start_caddy(caddy_bin: str, folder: Path, upstreams: list[str], https_port: int) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Caddy with the shipped deploy/Caddyfile in front of `upstreams`, with a self-signed certificate
    for localhost; returns the process, its https URL and the certificate (to trust)."""
    cert, key = write_self_signed(folder)
    process = _run_caddy(caddy_bin, folder, CADDYFILE, {
        "LOWCRAFT_DOMAIN": "localhost", "LOWCRAFT_TLS": "files",
        "LOWCRAFT_TLS_CERT": str(cert), "LOWCRAFT_TLS_KEY": str(key),
        "LOWCRAFT_UPSTREAMS": " ".join(upstreams),
        "LOWCRAFT_HTTP_PORT": str(free_port()), "LOWCRAFT_HTTPS_PORT": str(https_port),
        "LOWCRAFT_HEALTH_INTERVAL": "200ms", "LOWCRAFT_CADDY_ADMIN": "off",
    })
    url = f"https://localhost:{https_port}"
    try:
        _wait_proxy(process, folder, url, trusting(cert))
    except BaseException:
        stop(process)
        raise
    return process, url, cert


ROUTING_CADDYFILE = """\
{{
	admin off
	auto_https off
}}

http://127.0.0.1:{port} {{
{routes}
	handle {{
		reverse_proxy {first}
	}}
}}
"""

ROUTE = """\
	@replica{number} header_regexp Cookie (^|;\\s*){cookie}={number}(;|$)
	handle @replica{number} {{
		reverse_proxy {upstream}
	}}
"""


@contextmanager
def routing_caddy(caddy_bin: str, folder: Path, upstreams: list[str], port: int) -> Iterator[str]:
    """Caddy on http://127.0.0.1:`port` sending a request whose `lowcraft_replica` cookie is N to
    upstream N (from 1; no cookie: the first), WebSocket upgrades included; yields its URL."""
    routes = "".join(ROUTE.format(number=n, cookie=ROUTE_COOKIE, upstream=u) for n, u in enumerate(upstreams, 1))
    config = folder / "Caddyfile.routing"
    config.write_text(ROUTING_CADDYFILE.format(port=port, routes=routes, first=upstreams[0]))
    process = _run_caddy(caddy_bin, folder, config, {})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_proxy(process, folder, url, False)
        yield url
    finally:
        stop(process)
