"""The pool manager's lifecycle and the registry's plugin loading."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from lowcraft.connectors import ConnectorRegistry, PoolManager
from lowcraft.connectors.errors import UnknownConnector
from lowcraft.connectors.postgres import PostgresConnector
from lowcraft.connectors.registry import default_registry
from lowcraft.connectors.rest import RestConnector

pytestmark = pytest.mark.anyio


class FakePool:
    """Stands in for a driver pool: only its closing is observed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = False


async def close(pool: FakePool) -> None:
    pool.closed = True


async def test_a_changed_config_closes_the_old_pool() -> None:
    manager = PoolManager()

    async def make(name: str) -> Any:
        return await manager.get("postgres", ("ds1", name), lambda: _new(name), close)

    first = await make("fp-a")
    assert await make("fp-a") is first
    second = await make("fp-b")
    assert second is not first and first.closed and not second.closed
    await manager.close_all()
    assert second.closed and len(manager) == 0


async def test_the_number_of_pools_is_bounded() -> None:
    manager = PoolManager(max_pools=2)
    pools = [await manager.get("mysql", (f"ds{i}", "fp"), lambda i=i: _new(str(i)), close) for i in range(3)]
    assert pools[0].closed and not pools[1].closed and not pools[2].closed
    await manager.discard("ds1")
    assert pools[1].closed and len(manager) == 1
    await manager.close_all()


async def _new(name: str) -> FakePool:
    return FakePool(name)


class EchoRestConnector(RestConnector):
    """A third-party connector, as a plugin package would ship it."""

    type_name = "echo_rest"
    display_name = "Echo REST"


def test_third_party_connectors_load_from_entry_points() -> None:
    registry = ConnectorRegistry()
    point = EntryPoint(name="echo", value=f"{__name__}:EchoRestConnector", group="lowcraft.connectors")
    broken = EntryPoint(name="broken", value="no_such_module_anywhere:Thing", group="lowcraft.connectors")
    assert registry.load_entry_points([point, broken]) == ["echo_rest"]
    assert registry.get("echo_rest").display_name == "Echo REST"
    with pytest.raises(UnknownConnector):
        registry.get("broken")


def test_a_type_name_registers_once() -> None:
    registry = ConnectorRegistry()
    registry.register(PostgresConnector)
    with pytest.raises(ValueError, match="already registered"):
        registry.register(PostgresConnector)


def test_built_in_connectors_are_imported_only_when_first_used() -> None:
    registry = default_registry()
    assert "s3" in registry and "s3" in registry.names()
    assert registry.get("s3").type_name == "s3"


def test_installed_plugins_are_found_when_the_registry_is_first_read(tmp_path: Path) -> None:
    """The entry points of installed packages are scanned on the first read, not at import (start-up)."""
    (tmp_path / "echo_plugin.py").write_text(
        "from lowcraft.connectors.rest import RestConnector\n\n\n"
        "class EchoRestConnector(RestConnector):\n    type_name = 'echo_rest'\n    display_name = 'Echo REST'\n"
    )
    dist = tmp_path / "echo_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[lowcraft.connectors]\necho = echo_plugin:EchoRestConnector\n")
    script = """
import sys
from lowcraft.connectors.registry import registry
before = "echo_plugin" in sys.modules
print(before, "echo_rest" in registry, registry.get("echo_rest").display_name == "Echo REST")
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    assert shown.stdout.split() == ["False", "True", "True"]
