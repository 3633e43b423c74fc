"""Packages whose names load on first use: every public name resolves, and start-up leaves the
heavy parts (the analyser, the manifest models, Prometheus) unloaded until a request needs them."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

LAZY = ["lowcraft.bindings", "lowcraft.widgets", "lowcraft.signin", "lowcraft.appsmith", "lowcraft.actions"]


@pytest.mark.parametrize("package", LAZY)
def test_every_public_name_resolves(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, name


def test_an_unknown_name_is_an_attribute_error() -> None:
    import lowcraft.bindings

    with pytest.raises(AttributeError):
        lowcraft.bindings.no_such_name  # noqa: B018


def test_a_name_shared_with_its_module_stays_the_function_after_the_module_loads() -> None:
    script = """
import lowcraft.bindings.lint, lowcraft.bindings.rename, lowcraft.widgets.registry
from lowcraft.bindings import lint, rename
from lowcraft.widgets import registry
print(callable(lint), callable(rename), hasattr(registry, "get"))
"""
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert shown == ["True", "True", "True"]


HEAVY = ["lowcraft.bindings.graph", "lowcraft.bindings.lint", "lowcraft.bindings.rename", "tree_sitter",
         "lowcraft.widgets.manifest", "prometheus_client", "authlib", "joserfc", "httpx", "saml2",
         "scim2_models", "pyotp", "segno", "boto3", "pygit2", "lowcraft.git.repo", "pycrdt",
         "lowcraft.realtime.rooms", "dbos", "py_mini_racer", "lowcraft.workflows.engine",
         # Lowcraft's own parts a first request does not need: the Appsmith importer, SCIM, and
         # the action runner (binding, SQL parameters), which loads with the first execution.
         "lowcraft.appsmith.model", "lowcraft.appsmith.convert", "lowcraft.appsmith.read",
         "lowcraft.apps.appsmith_import", "lowcraft.scim.service",
         "lowcraft.actions.runner", "lowcraft.actions.query_binding", "lowcraft.actions.sql_parameters",
         # Route modules loaded with the first request to their prefixes (lowcraft.app.LAZY_ROUTE_MODULES),
         # and what only they, a waiting Git operation, a waiting run or a schedule need.
         "lowcraft.git.api", "lowcraft.git.service", "lowcraft.git.recovery", "lowcraft.versions.api",
         "lowcraft.versions.service", "lowcraft.workflows.api", "lowcraft.workflows.service",
         "lowcraft.workflows.handler", "lowcraft.triggers.api", "lowcraft.triggers.service",
         "lowcraft.triggers.scheduler", "croniter", "lowcraft.admin.api", "lowcraft.scim.admin_api",
         "lowcraft.datasources.api", "lowcraft.jslibs.api", "lowcraft.accounts.two_factor_api",
         "argon2",  # with the first password hashed or checked
         "pydantic.v1"]  # FastAPI's check for v1 models no longer loads it (lowcraft.http.routing)
TABLES_ON_FIRST_USE = ["lowcraft.scim.models", "lowcraft.git.models", "lowcraft.workflows.models",
                       "lowcraft.triggers.models", "alembic"]
"""Loaded by the migrations of a fresh store (Alembic, which sees every table), not by a restart."""


def _loaded_by_start_and_ready(data_dir: object, watched: list[str]) -> list[str]:
    script = f"""
import os, sys
os.environ["LOWCRAFT_DATA_DIR"] = {str(data_dir)!r}
from fastapi.testclient import TestClient
from lowcraft.app import create_app
with TestClient(create_app()) as client:
    assert client.get("/api/v1/ready").status_code == 200
print(",".join(name for name in {watched!r} if name in sys.modules))
"""
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    return loaded.split(",") if loaded else []


def test_the_app_and_its_first_request_leave_the_analyser_and_prometheus_unloaded(tmp_path: object) -> None:
    assert _loaded_by_start_and_ready(tmp_path, HEAVY) == []  # a fresh store, migrated at start
    assert _loaded_by_start_and_ready(tmp_path, HEAVY + TABLES_ON_FIRST_USE) == []  # a restart
