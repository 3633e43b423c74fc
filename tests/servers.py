"""Reaching the machine's real servers from tests: skip with a reason when one is down, except in
CI (`CI=true`), where a missing server is a failure."""

from __future__ import annotations

import os
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

POSTGRES_URL = os.environ.get("LOWCRAFT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MYSQL_HOST = os.environ.get("LOWCRAFT_TEST_MYSQL_HOST", "127.0.0.1")
REDIS_URL = os.environ.get("LOWCRAFT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require(name: str, host: str, port: int) -> None:
    """Skip (or, in CI, fail) the calling test when `name` does not answer on host:port."""
    if port_open(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if IN_CI:
        pytest.fail(message + " (CI=true: every server must be up)")
    pytest.skip(message + "; start it to run this test")


def require_postgres() -> None:
    require("PostgreSQL", "127.0.0.1", 5432)


def require_mysql() -> None:
    require("MariaDB", MYSQL_HOST, 3306)


def require_redis() -> None:
    require("Redis", "127.0.0.1", 6379)
