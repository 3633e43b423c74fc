"""deploy/docker-compose*.yml: the small install and the production shape, read as Compose would.

Compose is not installed on the build machines, so each file is parsed and its `${…}`
interpolation done here with an operator's .env; the resulting server settings go through
Lowcraft's own Settings, and the Caddy service's environment through Caddy itself.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from lowcraft.config import Settings

DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy"
DATA_DIR = "/lowcraft-stacks"
OPERATOR_ENV = {
    "LOWCRAFT_DOMAIN": "lowcraft.example.com",
    "POSTGRES_PASSWORD": "s3cret-password",
    "LOWCRAFT_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
}

Compose = dict[str, Any]


class MissingVariable(Exception):
    """A `${NAME:?message}` interpolation whose variable the operator did not set."""


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}`, applied through a document."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name, operator, argument = match.group(1), match.group(2), match.group(3) or ""
        if env.get(name):
            return env[name]
        if operator == ":?":
            raise MissingVariable(f"{name}: {argument}")
        return argument if operator == ":-" else ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", substitute, value)


def load(name: str, env: dict[str, str]) -> Compose:
    document: Compose = interpolate(yaml.safe_load((DEPLOY_DIR / name).read_text()), env)
    return document


def lowcraft_services(compose: Compose) -> dict[str, Any]:
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
    }


def settings_of(service: dict[str, Any]) -> Settings:
    env = service["environment"]
    assert all(name.startswith("LOWCRAFT_") for name in env), "the server is configured by LOWCRAFT_* only"
    fields = {k.removeprefix("LOWCRAFT_").lower(): v for k, v in env.items() if v is not None}
    assert set(fields) <= set(Settings.model_fields), "a variable the server does not read"
    return Settings.model_validate(fields)


def builds_the_image_from_the_repository(service: dict[str, Any]) -> bool:
    context = (DEPLOY_DIR / str(service["build"]["context"])).resolve()
    return (context / str(service["build"]["dockerfile"])).resolve() == DEPLOY_DIR / "Dockerfile"


# --- the small install -------------------------------------------------------------------------


def test_small_install_is_one_container_with_one_volume() -> None:
    compose = load("docker-compose.yml", {})
    services = lowcraft_services(compose)
    assert list(compose["services"]) == list(services) and len(services) == 1
    (service,) = services.values()
    assert builds_the_image_from_the_repository(service)
    assert service["volumes"] == [f"lowcraft-stacks:{DATA_DIR}"]
    assert list(compose["volumes"]) == ["lowcraft-stacks"]


def test_small_install_runs_on_the_embedded_store_and_listens_on_loopback() -> None:
    (service,) = lowcraft_services(load("docker-compose.yml", {})).values()
    settings = settings_of(service)
    assert settings.database_url is None and settings.redis_url is None
    # Published on the host's loopback only: plain HTTP must not reach the network.
    assert service["ports"] == ["127.0.0.1:8080:8080"]


def test_small_install_takes_the_operators_settings() -> None:
    env = {
        "LOWCRAFT_BASE_URL": "https://tools.example.com",
        "LOWCRAFT_SIGNUP": "example.com",
        "LOWCRAFT_ADMIN_EMAILS": "ops@example.com",
    }
    (service,) = lowcraft_services(load("docker-compose.yml", env)).values()
    settings = settings_of(service)
    assert settings.secure_cookies and settings.signup_domains == {"example.com"}
    assert settings.admin_email_set == {"ops@example.com"}


# --- the production shape ------------------------------------------------------------------------


def test_production_refuses_to_start_without_its_secrets() -> None:
    for missing in OPERATOR_ENV:
        with pytest.raises(MissingVariable, match=missing):
            load("docker-compose.production.yml", {k: v for k, v in OPERATOR_ENV.items() if k != missing})


def test_production_runs_two_replicas_sharing_postgres_redis_and_one_key() -> None:
    compose = load("docker-compose.production.yml", OPERATOR_ENV)
    replicas = lowcraft_services(compose)
    assert len(replicas) == 2
    settings = [settings_of(service) for service in replicas.values()]
    assert len({(s.database_url, s.redis_url, s.encryption_key) for s in settings}) == 1
    shared = settings[0]
    assert shared.base_url == "https://lowcraft.example.com"
    assert shared.encryption_key is not None and len(shared.load_encryption_key()) == 32

    assert shared.database_url is not None and shared.redis_url is not None
    database = make_url(shared.database_url)
    assert database.get_dialect().driver == "psycopg", "the driver this package installs"
    assert (database.host, database.password) == ("postgres", OPERATOR_ENV["POSTGRES_PASSWORD"])
    postgres = compose["services"]["postgres"]["environment"]
    assert (database.username, database.database) == (postgres["POSTGRES_USER"], postgres["POSTGRES_DB"])
    assert shared.redis_url.startswith("redis://redis:")

    for service in replicas.values():
        assert builds_the_image_from_the_repository(service)
        assert {name: dep["condition"] for name, dep in service["depends_on"].items()} == {
            "postgres": "service_healthy",
            "redis": "service_healthy",
        }
        assert (
            "healthcheck" in compose["services"]["postgres"] and "healthcheck" in compose["services"]["redis"]
        )


def test_production_caddy_balances_over_exactly_the_replicas(caddy_bin: str, tmp_path: Path) -> None:
    compose = load("docker-compose.production.yml", OPERATOR_ENV)
    caddy = compose["services"]["caddy"]
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    replica_port = 8080  # LOWCRAFT_PORT in deploy/Dockerfile
    expected = [f"{name}:{replica_port}" for name in lowcraft_services(compose)]

    # Caddy reads the Caddyfile with the caddy service's environment, as in the container.
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOWCRAFT_")}
    env |= {k: str(v) for k, v in caddy["environment"].items()}
    env |= {"XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run(
        [caddy_bin, "adapt", "--config", str(DEPLOY_DIR / "Caddyfile"), "--adapter", "caddyfile"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    text = json.dumps(config)
    dials = re.findall(r'"dial": "([^"]+)"', text)
    assert dials == expected
    assert '"host": ["lowcraft.example.com"]' in text
    assert {"80:80", "443:443"} <= set(caddy["ports"])
