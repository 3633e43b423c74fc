"""Fixtures for the deployment tests: external programs that may be missing on a machine."""

from __future__ import annotations

import os
import shutil

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: takes tens of seconds (installs packages); still part of the default suite"
    )


def _require_tool(name: str) -> str:
    """The path of an external program; skip without it, except in CI where it must be there."""
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed, so the deployment files it checks stay unverified"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def caddy_bin() -> str:
    return _require_tool("caddy")


@pytest.fixture(scope="session")
def kubectl_bin() -> str:
    return _require_tool("kubectl")
