"""A datasource's secrets never leave the instance with its application: not in an export (JSON or
the repository layout Git commits), not in the published snapshot. Parametrised over every
registered connector, so a new connector is covered the day it is registered: whatever its schema
marks `Secret()`, and any header or parameter named like a credential, stays out; its other
settings (host, port, URL...) travel with the export so another instance can bind to them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from lowcraft.appmodel.file_tree import document_to_files
from lowcraft.connectors import registry
from lowcraft.connectors.secrets import secret_fields
from tests.apps.test_applications import default_page, make_app
from tests.conftest import Api, first_workspace

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

LEAK = "leak-4b1d-never-exported"


def with_secrets(type_name: str) -> dict[str, Any]:
    """The connector's sample connection with every secret field, and a credential header and
    URL password where the connector has headers or a base URL, set to `LEAK`."""
    connector = registry.get(type_name)
    assert connector.samples is not None
    config: dict[str, Any] = json.loads(json.dumps(connector.samples.connection))
    for path in secret_fields(type_name):
        *parents, last = path.split(".")
        node = config
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = LEAK
    fields = connector.connection_schema.model_fields
    if "headers" in fields:
        config["headers"] = [{"key": "Authorization", "value": f"Bearer {LEAK}"},
                             {"key": "X-Session-Token", "value": LEAK}, {"key": "Accept", "value": "application/json"}]
    if "base_url" in fields and str(config.get("base_url", "")).startswith("http://"):
        config["base_url"] = config["base_url"].replace("http://", f"http://robot:{LEAK}@", 1)
    return config


@pytest.mark.parametrize("type_name", registry.names())
def test_no_secret_of_any_connector_is_exported_or_published(admin: Api, type_name: str) -> None:
    ws = first_workspace(admin)
    connector = registry.get(type_name)
    assert connector.samples is not None
    config = with_secrets(type_name)
    ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
        "name": "Shared", "connector": type_name, "configs": {"production": config}})
    app = make_app(admin)
    admin.ok("POST", f"/api/v1/applications/{app['id']}/actions", 201, json={
        "pageId": default_page(admin, app["id"])["id"], "name": "q1", "datasourceId": ds["id"],
        "config": connector.samples.query})

    exported = admin.ok("GET", f"/api/v1/applications/{app['id']}/export")
    files = document_to_files(exported)
    admin.ok("POST", f"/api/v1/applications/{app['id']}/publish")
    published = admin.ok("GET", f"/api/v1/view/{app['id']}")
    for where, text in [("export", json.dumps(exported)), ("published", json.dumps(published)),
                        *((path, data.decode()) for path, data in files.items())]:
        assert LEAK not in text, f"{type_name}: a secret in {where}"

    settings = exported["datasources"][0]["settings"]
    assert settings, f"{type_name}: the export carries none of its non-secret settings"
    for path in secret_fields(type_name):
        node: Any = settings
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        assert node is None, f"{type_name}: the secret field {path} is in the export"
    for key, value in connector.samples.connection.items():
        if key not in {p.split(".")[0] for p in secret_fields(type_name)} and key != "base_url":
            assert settings[key] == value, f"{type_name}: the setting {key} did not travel"
    if "headers" in connector.connection_schema.model_fields:
        assert settings["headers"] == [{"key": "Accept", "value": "application/json"}]
        assert settings["base_url"].startswith("http://robot@")
    # The published snapshot, which anonymous visitors of a public app read, names the datasource only.
    assert published["document"]["datasources"] == [{"name": "Shared", "connector": type_name}]
