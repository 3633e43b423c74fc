"""Appsmith queries -> Lowcraft actions: each to its connector's query config, with its settings.

The result has the shape of an action in Lowcraft's application document (`docs/app-format.md`):
`name`, `datasource`, `connector`, `config`, `settings` (plus the Appsmith `page` it belongs to,
for the page-scoped model to come). Each config is checked against the connector's own query
schema, so an action that converts is one the connector accepts; one that cannot be expressed is
reported as not carried with the reason, never half-converted.

An API whose URL Appsmith stored inside the action (no shared datasource) runs on a REST
datasource created for that URL (see `lowcraft.appsmith.convert`), since a Lowcraft action always
names its datasource.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from lowcraft.appsmith.model import AppsmithAction
from lowcraft.connectors.registry import PLACEHOLDER_CONNECTOR
from lowcraft.connectors.registry import registry as connectors

PLUGIN_CONNECTORS: dict[str, str] = {
    "postgres-plugin": "postgres",
    "mysql-plugin": "mysql",
    "restapi-plugin": "rest",
    "graphql-plugin": "graphql",
    "redis-plugin": "redis",
    "amazons3-plugin": "s3",
    "smtp-plugin": "smtp",
}
"""Appsmith plugin package -> Lowcraft connector type, for the plugins Lowcraft can run."""

MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS = 100, 600_000, 10_000
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
S3_COMMANDS = {
    "LIST": "list",
    "READ_FILE": "read",
    "UPLOAD_FILE_FROM_BODY": "upload",
    "DELETE_FILE": "delete",
}


class NotConvertible(Exception):
    """An Appsmith query whose settings this connector cannot express; the message says which."""


@dataclass
class ConvertedAction:
    name: str
    page: str
    datasource: str | None
    connector: str
    config: dict[str, Any]
    settings: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "page": self.page,
            "datasource": self.datasource,
            "connector": self.connector,
            "config": self.config,
            "settings": self.settings,
        }


def connector_for(plugin_id: str) -> str | None:
    """The Lowcraft connector that runs an Appsmith plugin's queries, or None when none does."""
    name = PLUGIN_CONNECTORS.get(plugin_id)
    return name if name is not None and name in connectors else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _form_value(form: dict[str, Any], *path: str) -> Any:
    """A value of Appsmith's UQI `formData`, whether stored bare or as `{"data": ...}` (2022+)."""
    value: Any = form
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, dict) and "data" in value:
        return value["data"]
    return value


def _pairs(pairs: list[tuple[str, Any]]) -> list[dict[str, str]]:
    return [{"key": key, "value": _text(value)} for key, value in pairs]


def _header(action: AppsmithAction, name: str) -> str:
    for key, value in action.headers:
        if key.lower() == name.lower():
            return _text(value)
    return ""


def _rest(action: AppsmithAction) -> dict[str, Any]:
    method = (action.http_method or "GET").upper()
    if method not in HTTP_METHODS:
        raise NotConvertible(f"the HTTP method {method} is not one Lowcraft sends")
    path = action.path or ""
    config: dict[str, Any] = {
        "method": method,
        "path": path,
        "headers": _pairs(action.headers),
        "query_params": _pairs(action.query_parameters),
    }
    content_type = (
        _text(_form_value(action.form_data, "apiContentType")) or _header(action, "content-type")
    ).lower()
    body = action.body or ""
    form_fields = [
        {"key": str(item.get("key")), "value": _text(item.get("value"))}
        for item in action.configuration.get("bodyFormData") or []
        if isinstance(item, dict) and item.get("key")
    ]
    if "x-www-form-urlencoded" in content_type:
        config.update(body_type="form", form=form_fields)
    elif "multipart/form-data" in content_type:
        config.update(body_type="multipart", multipart=form_fields)
    elif body.strip():
        if "json" in content_type or not content_type:
            config.update(body_type="json", json_body=body)
        else:
            config.update(body_type="raw", raw_body=body, content_type=content_type)
    return config


def _graphql(action: AppsmithAction) -> dict[str, Any]:
    templates = action.plugin_specified_templates
    variables = templates[1].get("value") if len(templates) > 1 and isinstance(templates[1], dict) else ""
    return {"query": action.body or "", "variables": _text(variables), "headers": _pairs(action.headers)}


def _s3(action: AppsmithAction) -> dict[str, Any]:
    command = _form_value(action.form_data, "command")
    if command not in S3_COMMANDS:
        raise NotConvertible(f"the S3 command {command!r} has no Lowcraft equivalent yet")
    operation = S3_COMMANDS[str(command)]
    config: dict[str, Any] = {
        "operation": operation,
        "bucket": _text(_form_value(action.form_data, "bucket")),
    }
    path = _text(_form_value(action.form_data, "path"))
    if operation == "list":
        config["prefix"] = _text(_form_value(action.form_data, "list", "prefix")) or path
    else:
        config["key"] = path
    if operation == "upload":
        config["content"] = _form_value(action.form_data, "body") or action.body or ""
    return config


def _smtp(action: AppsmithAction) -> dict[str, Any]:
    def field(name: str) -> str:
        return _text(_form_value(action.form_data, "send", name))

    body_type = field("bodyType").lower()
    return {
        "to": field("to"),
        "cc": field("cc"),
        "bcc": field("bcc"),
        "from_address": field("from"),
        "reply_to": field("replyTo"),
        "subject": field("subject"),
        "body": field("body") or action.body or "",
        "body_type": "html" if "html" in body_type else "text",
    }


CONFIG_BUILDERS = {
    "postgres": lambda action: {"sql": action.body or ""},
    "mysql": lambda action: {"sql": action.body or ""},
    "redis": lambda action: {"command": action.body or ""},
    "rest": _rest,
    "graphql": _graphql,
    "s3": _s3,
    "smtp": _smtp,
}


def settings_of(action: AppsmithAction) -> dict[str, Any]:
    timeout = action.timeout_ms if action.timeout_ms is not None else DEFAULT_TIMEOUT_MS
    return {
        "runOnPageLoad": action.execute_on_load,
        "confirmBeforeRun": action.confirm_before_execute,
        "timeoutMs": min(max(timeout, MIN_TIMEOUT_MS), MAX_TIMEOUT_MS),
        "preparedStatements": action.prepared_statements is not False,
    }


def convert_action(action: AppsmithAction, datasource: str | None = None) -> ConvertedAction:
    """The Lowcraft action for an Appsmith query; NotConvertible says why when there is none.

    `datasource` names the datasource to use instead of the action's own (for an embedded URL).
    """
    connector = connector_for(action.plugin_id)
    if connector is None:
        raise NotConvertible(
            f"Lowcraft has no connector for Appsmith's {action.plugin_id or 'unknown'} plugin yet"
        )
    config = CONFIG_BUILDERS[connector](action)
    try:
        connectors.get(connector).query_schema.model_validate(config)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise NotConvertible(f"its {connector} settings do not fit ({where}: {first['msg']})") from exc
    name = datasource or action.datasource
    return ConvertedAction(action.name, action.page, name, connector, config, settings_of(action))


def placeholder_action(action: AppsmithAction) -> ConvertedAction:
    """A query of a plugin Lowcraft lacks, kept on its placeholder datasource: its text as `body`
    and Appsmith's whole configuration, from which a connector picked later takes what it reads."""
    config = {
        "body": action.body or "",
        "appsmith": {"pluginId": action.plugin_id, "actionConfiguration": action.configuration},
    }
    return ConvertedAction(
        action.name, action.page, action.datasource, PLACEHOLDER_CONNECTOR, config, settings_of(action)
    )
