"""deploy/Caddyfile: TLS in each mode, load balancing with health checks, compression, headers.

Caddy itself reads the file here (`caddy validate`, `caddy adapt`), with the environment variables
an operator would set, so what is asserted is the configuration Caddy would run.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.certificates import write_self_signed

CADDYFILE = Path(__file__).resolve().parents[2] / "deploy" / "Caddyfile"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def caddy_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A process environment whose Caddy state (local CA, certificates) stays in tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOWCRAFT_")}
    env |= {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env["HOME"] = str(tmp_path)
    yield env


def caddy(caddy_bin: str, command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [caddy_bin, command, "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def adapted(caddy_bin: str, env: dict[str, str]) -> dict[str, Any]:
    result = caddy(caddy_bin, "adapt", env)
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = json.loads(result.stdout)
    return config


def handlers(config: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """Every HTTP handler of one kind, wherever the Caddyfile adapter nested it."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("handler") == kind:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config["apps"]["http"])
    return found


def the_proxy(config: dict[str, Any]) -> dict[str, Any]:
    proxies = handlers(config, "reverse_proxy")
    assert len(proxies) == 1
    return proxies[0]


# --- every TLS mode is a configuration Caddy accepts -----------------------------------------


def test_automatic_https_for_a_public_domain(caddy_bin: str, caddy_env: dict[str, str]) -> None:
    env = caddy_env | {"LOWCRAFT_DOMAIN": "lowcraft.example.com", "LOWCRAFT_TLS": "auto"}
    result = caddy(caddy_bin, "validate", env)
    assert result.returncode == 0, result.stderr

    config = adapted(caddy_bin, env)
    server = next(iter(config["apps"]["http"]["servers"].values()))
    assert server["listen"] == [":443"]
    assert server["routes"][0]["match"] == [{"host": ["lowcraft.example.com"]}]
    # No issuer or certificate of our own: Caddy's default ACME issuance applies.
    assert "tls" not in config["apps"]


def test_certificate_files_given_by_the_operator(
    caddy_bin: str, caddy_env: dict[str, str], certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    env = caddy_env | {
        "LOWCRAFT_DOMAIN": "localhost",
        "LOWCRAFT_TLS": "files",
        "LOWCRAFT_TLS_CERT": str(cert),
        "LOWCRAFT_TLS_KEY": str(key),
    }
    result = caddy(caddy_bin, "validate", env)
    assert result.returncode == 0, result.stderr

    loaded = adapted(caddy_bin, env)["apps"]["tls"]["certificates"]["load_files"]
    assert [(c["certificate"], c["key"]) for c in loaded] == [(str(cert), str(key))]


def test_missing_certificate_files_are_refused(
    caddy_bin: str, caddy_env: dict[str, str], tmp_path: Path
) -> None:
    env = caddy_env | {
        "LOWCRAFT_TLS": "files",
        "LOWCRAFT_TLS_CERT": str(tmp_path / "absent.pem"),
        "LOWCRAFT_TLS_KEY": str(tmp_path / "absent.key"),
    }
    result = caddy(caddy_bin, "validate", env)
    assert result.returncode != 0
    assert "absent.pem" in result.stderr


def test_caddys_own_certificate_authority_for_tests_and_intranets(
    caddy_bin: str, caddy_env: dict[str, str]
) -> None:
    env = caddy_env | {"LOWCRAFT_TLS": "internal", "LOWCRAFT_CADDY_ADMIN": "off"}
    result = caddy(caddy_bin, "validate", env)
    assert result.returncode == 0, result.stderr

    policies = adapted(caddy_bin, env)["apps"]["tls"]["automation"]["policies"]
    assert [issuer["module"] for p in policies for issuer in p["issuers"]] == ["internal"]


def test_an_unknown_tls_mode_is_refused(caddy_bin: str, caddy_env: dict[str, str]) -> None:
    result = caddy(caddy_bin, "validate", caddy_env | {"LOWCRAFT_TLS": "none"})
    assert result.returncode != 0
    assert "tls-none" in result.stderr


# --- what every request goes through ---------------------------------------------------------


def test_requests_are_balanced_over_the_replicas_named_in_the_environment(
    caddy_bin: str, caddy_env: dict[str, str]
) -> None:
    env = caddy_env | {"LOWCRAFT_UPSTREAMS": "10.0.0.1:8080 10.0.0.2:8080 10.0.0.3:8080"}
    proxy = the_proxy(adapted(caddy_bin, env))
    assert [u["dial"] for u in proxy["upstreams"]] == ["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080"]
    assert proxy["load_balancing"]["selection_policy"]["policy"] in ("least_conn", "round_robin")


def test_the_default_replicas_are_those_of_the_production_compose_file(
    caddy_bin: str, caddy_env: dict[str, str]
) -> None:
    proxy = the_proxy(adapted(caddy_bin, caddy_env))
    assert [u["dial"] for u in proxy["upstreams"]] == ["lowcraft-1:8080", "lowcraft-2:8080"]


def test_a_replica_that_is_not_ready_leaves_the_pool(caddy_bin: str, caddy_env: dict[str, str]) -> None:
    checks = the_proxy(adapted(caddy_bin, caddy_env | {"LOWCRAFT_HEALTH_INTERVAL": "1s"}))["health_checks"]
    assert checks["active"]["uri"] == "/api/v1/ready"
    assert checks["active"]["interval"] == 1_000_000_000
    assert checks["active"]["expect_status"] == 2
    # A replica that stopped answering is skipped at once, not only at the next active check.
    assert checks["passive"]["fail_duration"] > 0


def test_only_idempotent_requests_are_retried_on_another_replica(
    caddy_bin: str, caddy_env: dict[str, str]
) -> None:
    balancing = the_proxy(adapted(caddy_bin, caddy_env))["load_balancing"]
    assert balancing["try_duration"] >= 5_000_000_000
    retried = {method for matcher in balancing["retry_match"] for method in matcher["method"]}
    assert retried == {"GET", "HEAD", "OPTIONS"}


def test_responses_are_compressed_with_zstd_or_gzip(caddy_bin: str, caddy_env: dict[str, str]) -> None:
    (encode,) = handlers(adapted(caddy_bin, caddy_env), "encode")
    assert encode["prefer"] == ["zstd", "gzip"]


def test_security_headers_are_added_unless_the_app_set_them(
    caddy_bin: str, caddy_env: dict[str, str]
) -> None:
    config = adapted(caddy_bin, caddy_env)
    responses = [h["response"] for h in handlers(config, "headers") if "response" in h]
    added = {name: values for r in responses for name, values in r.get("set", {}).items()}
    assert added["Strict-Transport-Security"][0].startswith("max-age=")
    assert added["X-Content-Type-Options"] == ["nosniff"]
    assert added["Referrer-Policy"] == ["strict-origin-when-cross-origin"]
    # Framing is the app's decision (Content-Security-Policy frame-ancestors per published app).
    assert "X-Frame-Options" not in added and "Content-Security-Policy" not in added
    conditional = {name for r in responses for name in r.get("require", {}).get("headers", {})}
    assert set(added) <= conditional, "headers the app sends itself must win"


def test_ports_and_admin_endpoint_follow_the_environment(caddy_bin: str, caddy_env: dict[str, str]) -> None:
    env = caddy_env | {
        "LOWCRAFT_HTTP_PORT": "18080",
        "LOWCRAFT_HTTPS_PORT": "18443",
        "LOWCRAFT_CADDY_ADMIN": "off",
    }
    config = adapted(caddy_bin, env)
    assert config["apps"]["http"]["http_port"] == 18080
    assert config["apps"]["http"]["https_port"] == 18443
    assert config["admin"] == {"disabled": True}
