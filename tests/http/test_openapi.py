"""The API describes itself: every `/api/v1` operation in `/api/v1/openapi.json` says what it does,
what it answers and how it fails, under stable schema names; and the copy the web client's types
are generated from (`web/src/api/openapi.json`) is the document the server produces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lowcraft.app import openapi_document
from lowcraft.cli import app as cli
from lowcraft.http import API_PREFIX

SNAPSHOT = Path(__file__).parents[2] / "web" / "src" / "api" / "openapi.json"
ERROR_REF = "#/components/schemas/ErrorBody"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document()


def operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items() if path.startswith(API_PREFIX)
        for method, operation in item.items()
    ]


def _success_schema(operation: dict[str, Any]) -> dict[str, Any] | None:
    for status, response in operation["responses"].items():
        if status.startswith("2") and status != "204":
            schema: dict[str, Any] | None = response.get("content", {}).get("application/json", {}).get("schema")
            return schema
    return None


def test_the_document_covers_every_api_route(document: dict[str, Any]) -> None:
    assert len(operations(document)) > 60


def test_every_operation_has_a_description(document: dict[str, Any]) -> None:
    missing = [name for name, operation in operations(document) if not operation.get("description", "").strip()]
    assert missing == []


def test_every_operation_names_a_response_model(document: dict[str, Any]) -> None:
    """A 2xx answer is a named schema (a `$ref`, or a union of them), or 204 with no body, or (a
    browser step) a bodiless 302: never the untyped object FastAPI infers from a `dict` return
    annotation."""
    schemas = document["components"]["schemas"]
    untyped = []
    for name, operation in operations(document):
        codes = [status for status in operation["responses"] if status.startswith("2")]
        if not codes and "302" in operation["responses"]:
            # A browser step (signing in with a provider): it answers by sending the browser on.
            assert "content" not in operation["responses"]["302"], name
            continue
        if codes == ["204"]:
            assert "content" not in operation["responses"]["204"], name
            continue
        schema = _success_schema(operation)
        refs = [schema["$ref"]] if schema and "$ref" in schema else [s.get("$ref") for s in (schema or {}).get("anyOf", [])]
        if not refs or not all(refs):
            untyped.append(name)
            continue
        for ref in refs:
            target = schemas[ref.rsplit("/", 1)[1]]
            # An object with properties, or a free-form document that says what it is.
            assert target.get("properties") or target.get("description"), (name, ref)
    assert untyped == []


def test_every_operation_declares_its_errors_in_the_error_shape(document: dict[str, Any]) -> None:
    """Operations that take input declare 422 (and with a body, 400 and 413) as `ErrorBody`, the
    shape `lowcraft.http.errors` answers with, not FastAPI's default validation error."""
    wrong = []
    for name, operation in operations(document):
        takes = {"422"} if operation.get("parameters") or operation.get("requestBody") else set()
        if operation.get("requestBody"):
            takes |= {"400", "413"}
        errors = {status: response for status, response in operation["responses"].items() if status[0] in "45"}
        if not takes <= set(errors):
            wrong.append(f"{name}: missing {sorted(takes - set(errors))}")
        for status, response in errors.items():
            if name == f"GET {API_PREFIX}/ready" and status == "503":
                continue  # readiness answers 503 with its checks, on purpose
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref") != ERROR_REF:
                wrong.append(f"{name} {status}: {schema}")
    assert wrong == []
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_schema_names_are_stable(document: dict[str, Any]) -> None:
    """Names clients generate types from: no module paths (FastAPI falls back to
    `lowcraft__apps__api__CreateBody` when two models share a name)."""
    names = list(document["components"]["schemas"])
    assert [name for name in names if "__" in name or not name.isidentifier()] == []


def test_the_web_clients_copy_is_the_servers_document(document: dict[str, Any], tmp_path: Path) -> None:
    """The web build generates its types from the snapshot; after changing a route, run
    `lowcraft openapi --out web/src/api/openapi.json` and `cd web && npm run api-types`."""
    written = tmp_path / "openapi.json"
    result = CliRunner().invoke(cli, ["openapi", "--out", str(written)])
    assert result.exit_code == 0, result.output
    produced = json.loads(written.read_text(encoding="utf-8"))
    assert produced == document
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    # The version changes with each release, not with the API.
    produced["info"].pop("version")
    committed["info"].pop("version")
    assert committed == produced, "web/src/api/openapi.json is stale: run `lowcraft openapi --out web/src/api/openapi.json`"
