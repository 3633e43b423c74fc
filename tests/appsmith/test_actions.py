"""Appsmith queries become Lowcraft actions that their connector accepts, settings included."""

from __future__ import annotations

import pytest

from lowcraft.appmodel.models import ActionSettings
from lowcraft.appsmith.actions import CONFIG_BUILDERS, NotConvertible, convert_action
from lowcraft.appsmith.convert import convert_app
from lowcraft.appsmith.model import AppsmithAction
from lowcraft.appsmith.read import read_export_bytes, read_files
from lowcraft.connectors.registry import PLACEHOLDER_CONNECTOR
from lowcraft.connectors.registry import registry as connectors
from tests.appsmith.builders import git_files, json_bytes, orders_app, single_file


def actions(era: str = "v2025") -> dict[str, dict[str, object]]:
    app = convert_app(read_export_bytes(json_bytes(single_file(orders_app(), era))))
    return {a.name: a.to_dict() for a in app.actions}


def test_sql_queries_keep_their_text_and_settings() -> None:
    converted = actions()
    assert converted["getOrders"] == {
        "name": "getOrders",
        "page": "Orders",
        "datasource": "Orders DB",
        "connector": "postgres",
        "config": {"sql": "select * from orders where status = {{Select1.selectedOptionValue}}"},
        "settings": {
            "runOnPageLoad": True,
            "confirmBeforeRun": False,
            "timeoutMs": 12000,
            "preparedStatements": True,
        },
    }
    assert converted["deleteOrder"]["settings"] == {
        "runOnPageLoad": False,
        "confirmBeforeRun": True,
        "timeoutMs": 12000,
        "preparedStatements": True,
    }
    assert converted["insertRows"]["connector"] == "mysql"
    assert converted["insertRows"]["settings"]["preparedStatements"] is False  # type: ignore[index]


def test_an_api_with_its_own_url_runs_on_a_datasource_made_for_that_url() -> None:
    app = convert_app(read_export_bytes(json_bytes(single_file(orders_app()))))
    stub = next(d for d in app.datasources if d.name == "api.example.com")
    assert (stub.connector, stub.connection) == ("rest", {"base_url": "https://api.example.com"})
    rest = actions()["fetchUsers"]
    assert rest["datasource"] == "api.example.com"
    assert rest["config"] == {
        "method": "GET",
        "path": "/users",
        "headers": [{"key": "Accept", "value": "application/json"}],
        "query_params": [{"key": "page", "value": "{{Table1.pageNo}}"}],
    }


def test_graphql_redis_and_s3_queries_map_to_their_connectors() -> None:
    converted = actions()
    assert converted["countries"]["config"] == {
        "query": "query { countries { code } }",
        "variables": "",
        "headers": [],
    }
    assert converted["cacheGet"]["config"] == {"command": "GET orders:last"}
    assert converted["listFiles"]["config"] == {"operation": "list", "bucket": "reports", "prefix": ""}
    # A mongo query is kept on its placeholder datasource, its text and configuration intact.
    assert converted["findLegacy"]["connector"] == PLACEHOLDER_CONNECTOR
    assert converted["findLegacy"]["datasource"] == "Legacy Mongo"
    assert converted["findLegacy"]["config"]["appsmith"]["pluginId"] == "mongo-plugin"


@pytest.mark.parametrize("era", ["legacy", "v2023", "v2025"])
def test_every_converted_action_is_accepted_by_its_connector_and_the_settings_model(era: str) -> None:
    for action in actions(era).values():
        if action["connector"] == PLACEHOLDER_CONNECTOR:
            continue
        connectors.get(str(action["connector"])).query_schema.model_validate(action["config"])
        ActionSettings.model_validate(action["settings"])


def test_json_and_git_forms_give_the_same_actions() -> None:
    from_git = {a.name: a.to_dict() for a in convert_app(read_files(git_files(orders_app(), 5))).actions}
    assert from_git == actions("v2025")


def rest_action(**overrides: object) -> AppsmithAction:
    base: dict[str, object] = {
        "name": "post1",
        "page": "P",
        "plugin_id": "restapi-plugin",
        "plugin_type": "API",
        "datasource": "Api",
        "http_method": "POST",
        "path": "/items",
    }
    return AppsmithAction(**{**base, **overrides})  # type: ignore[arg-type]


def test_rest_bodies_follow_their_content_type() -> None:
    json_post = convert_action(
        rest_action(body='{"a": {{Input1.text}}}', headers=[("Content-Type", "application/json")])
    )
    assert (json_post.config["body_type"], json_post.config["json_body"]) == (
        "json",
        '{"a": {{Input1.text}}}',
    )
    form = convert_action(
        rest_action(
            form_data={"apiContentType": "application/x-www-form-urlencoded"},
            configuration={
                "bodyFormData": [{"key": "q", "value": "{{Input1.text}}"}, {"key": "", "value": "x"}]
            },
        )
    )
    assert (form.config["body_type"], form.config["form"]) == (
        "form",
        [{"key": "q", "value": "{{Input1.text}}"}],
    )
    xml = convert_action(rest_action(body="<a/>", headers=[("content-type", "text/xml")]))
    assert (xml.config["body_type"], xml.config["raw_body"], xml.config["content_type"]) == (
        "raw",
        "<a/>",
        "text/xml",
    )


def test_timeouts_are_kept_within_what_lowcraft_allows() -> None:
    assert convert_action(rest_action(timeout_ms=5)).settings["timeoutMs"] == 100
    assert convert_action(rest_action(timeout_ms=10_000_000)).settings["timeoutMs"] == 600_000
    assert convert_action(rest_action()).settings["timeoutMs"] == 10_000


@pytest.mark.parametrize(
    ("action", "why"),
    [
        (rest_action(plugin_id="mongo-plugin"), "no connector for Appsmith's mongo-plugin plugin"),
        (rest_action(http_method="TRACE"), "HTTP method TRACE"),
        (
            rest_action(plugin_id="amazons3-plugin", form_data={"command": {"data": "CREATE_BUCKET"}}),
            "S3 command 'CREATE_BUCKET'",
        ),
    ],
)
def test_a_query_the_connector_cannot_express_is_not_converted_and_says_why(
    action: AppsmithAction, why: str
) -> None:
    with pytest.raises(NotConvertible, match=why.replace("(", r"\(")):
        convert_action(action)


def test_a_config_its_connector_rejects_is_not_converted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CONFIG_BUILDERS, "redis", lambda action: {"command": 5})
    with pytest.raises(NotConvertible, match=r"its redis settings do not fit \(command"):
        convert_action(rest_action(plugin_id="redis-plugin"))


def test_an_smtp_query_maps_its_send_form() -> None:
    form = {
        "send": {
            "to": {"data": "{{Input1.text}}"},
            "from": "ops@example.com",
            "subject": "Hi",
            "body": "<b>x</b>",
            "bodyType": "text/html",
        }
    }
    mail = convert_action(rest_action(plugin_id="smtp-plugin", form_data=form))
    assert (mail.connector, mail.config["to"], mail.config["from_address"], mail.config["body_type"]) == (
        "smtp",
        "{{Input1.text}}",
        "ops@example.com",
        "html",
    )
