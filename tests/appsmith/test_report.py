"""The import report: every entity carried or not, why, and what the user must do next."""

from __future__ import annotations

import json

from lowcraft.appsmith.actions import connector_for
from lowcraft.appsmith.convert import convert_app
from lowcraft.appsmith.read import read_export_bytes
from lowcraft.appsmith.report import ImportReport
from tests.appsmith.builders import SECRET, json_bytes, orders_app, single_file


def report(era: str = "legacy") -> ImportReport:
    return convert_app(read_export_bytes(json_bytes(single_file(orders_app(), era)))).report


def test_the_report_serialises_to_json_with_carried_and_not_carried() -> None:
    data = json.loads(report().to_json())
    assert set(data) == {"app", "source", "counts", "carried", "notCarried", "nextSteps"}
    assert data["source"] == {
        "form": "json",
        "serverSchemaVersion": 2,
        "clientSchemaVersion": 1,
        "fileFormatVersion": None,
    }
    assert {
        "kind": "widget",
        "name": "Recorder1",
        "page": "Orders",
        "type": "AUDIO_RECORDER_WIDGET",
        "status": "placeholder",
        "why": "Lowcraft has no AUDIO_RECORDER_WIDGET widget yet; kept as a placeholder",
    } in data["notCarried"]
    assert data["counts"]["widget"] == {"adjusted": 1, "carried": 12, "migrated": 6, "placeholder": 2}
    assert data["counts"]["query"] == {"carried": 7, "placeholder": 1}


def test_every_widget_and_entity_has_exactly_one_line() -> None:
    r = report()
    widget_lines = [(i.page, i.name) for i in r.items if i.kind == "widget"]
    assert len(widget_lines) == len(set(widget_lines)) == 21  # 18 on Orders, 3 on Customers
    assert {(i.page, i.name) for i in r.items if i.kind == "jsObject"} == {
        ("Orders", "Utils"),
        ("Customers", "Utils"),
    }
    [init] = r.find("jsFunction", "Utils.init", "Orders")
    assert (init.status, init.why) == ("carried", "it runs on page load")  # the setting travels too
    [danger] = r.find("jsFunction", "Utils.danger")
    assert (danger.status, danger.why) == ("carried", "it asks for confirmation")
    assert [(i.status, i.why) for i in r.find("jsFunction", "Utils.fmt")] == [("carried", "")]


def test_a_query_and_datasource_of_a_plugin_lowcraft_lacks_are_reported_not_dropped() -> None:
    r = report()
    [query] = r.find("query", "findLegacy")
    assert (query.status, query.page, query.type) == ("placeholder", "Customers", "mongo-plugin")
    assert "cannot run until a developer picks a connector" in query.why
    [datasource] = r.find("datasource", "Legacy Mongo")
    assert datasource.status == "placeholder" and "mongo-plugin" in datasource.why
    assert [s.kind for s in r.next_steps if s.name == "Legacy Mongo"] == ["chooseConnector"]
    assert r.find("query", "getOrders")[0].why == "runs on the postgres connector (datasource 'Orders DB')"
    assert r.find("query", "fetchUsers")[0].why == "runs on the rest connector (datasource 'api.example.com')"


def test_next_steps_name_the_credentials_to_fill_and_what_to_review() -> None:
    steps = {(s.kind, s.name) for s in report().next_steps}
    assert {
        ("fillDatasourceCredentials", n)
        for n in ("Orders DB", "Shop MySQL", "Countries API", "Cache", "Files")
    } <= steps
    assert ("fillDatasourceCredentials", "Legacy Mongo") not in steps
    # A library's step depends on whether the import could fetch it: the import service adds it.
    assert ("allowJsLibrary", "xmlParser") not in steps
    assert ("reviewPreparedStatements", "insertRows") in steps
    assert ("reviewPreparedStatements", "getOrders") not in steps
    assert ("replacePlaceholder", "Recorder1") in steps


def test_the_report_never_holds_a_secret() -> None:
    assert SECRET not in report("legacy").to_json()


def test_plugins_map_to_lowcraft_connectors() -> None:
    assert [
        connector_for(p)
        for p in (
            "postgres-plugin",
            "mysql-plugin",
            "restapi-plugin",
            "graphql-plugin",
            "redis-plugin",
            "amazons3-plugin",
            "smtp-plugin",
        )
    ] == ["postgres", "mysql", "rest", "graphql", "redis", "s3", "smtp"]
    assert connector_for("mongo-plugin") is None and connector_for("") is None
