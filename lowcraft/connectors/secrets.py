"""The secret fields of a connector's connection config: masked in every response, kept when
a masked value is written back, redacted from any text an execution or a check returns, and left
out of the settings an application's files and exports carry (`shareable_config`)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from lowcraft import jsontext
from lowcraft.connectors.registry import ConnectorRegistry
from lowcraft.connectors.registry import registry as default_registry
from lowcraft.connectors.schema import secret_paths

MASK = "********"
"""What a secret looks like in every response; writing it back keeps the stored secret."""

REDACTED = "****"
_MIN_REDACTED_LENGTH = 3  # shorter "secrets" would blank out ordinary text


def secret_fields(connector_type: str, *, registry: ConnectorRegistry = default_registry) -> list[str]:
    """Dotted paths of the secret fields of a connector's connection config."""
    return secret_paths(registry.get(connector_type).connection_schema)


def get_path(config: Mapping[str, Any], path: str) -> Any:
    node: Any = config
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def set_path(config: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = config
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            return
        node = child
    node[last] = value


def mask_secrets(
    connector_type: str, config: Mapping[str, Any], *, registry: ConnectorRegistry = default_registry
) -> dict[str, Any]:
    """A copy of `config` fit for a response: each non-empty secret replaced by `MASK`."""
    masked = copy.deepcopy(dict(config))
    for path in secret_fields(connector_type, registry=registry):
        if get_path(masked, path):
            set_path(masked, path, MASK)
    return masked


def merge_secrets(
    connector_type: str,
    new_config: Mapping[str, Any],
    old_config: Mapping[str, Any],
    *,
    registry: ConnectorRegistry = default_registry,
) -> dict[str, Any]:
    """The config to store after an update: secrets sent back still masked keep their stored value."""
    merged = copy.deepcopy(dict(new_config))
    for path in secret_fields(connector_type, registry=registry):
        if get_path(merged, path) == MASK:
            set_path(merged, path, get_path(old_config, path))
    return merged


CREDENTIAL_KEYS = re.compile(
    r"^(authorization|proxy-authorization|cookie|set-cookie)$|token|secret|passw|api[-_]?key|apikey|session|signature",
    re.IGNORECASE,
)
"""Names of headers, query parameters and form fields that carry a credential whatever the
connector: a `{"key", "value"}` entry so named is never shared."""

_URL_PASSWORD = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^:@/\s]*):[^@/\s]*@")


def _shareable(value: Any) -> Any:
    if isinstance(value, str):
        return _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}@" if m["user"] else m["scheme"], value)
    if isinstance(value, list):
        return [
            _shareable(item) for item in value
            if not (isinstance(item, Mapping) and isinstance(item.get("key"), str) and CREDENTIAL_KEYS.search(item["key"]))
        ]
    if isinstance(value, Mapping):
        return {key: _shareable(item) for key, item in value.items()}
    return value


def shareable_config(
    connector_type: str, config: Mapping[str, Any], *, registry: ConnectorRegistry = default_registry
) -> dict[str, Any]:
    """The non-secret settings of a connection config, fit for a file anyone with the repository
    reads: every field the connector's schema marks `Secret()` removed, every header, query
    parameter or form field named like a credential (`CREDENTIAL_KEYS`) left out, and the password
    of any `scheme://user:password@host` text dropped. One rule for every connector."""
    shared: dict[str, Any] = _shareable(copy.deepcopy(dict(config)))
    for path in secret_fields(connector_type, registry=registry):
        *parents, last = path.split(".")
        node: Any = shared
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(last, None)
    return shared


class Redactor:
    """Replaces the text of every secret in the connection config wherever it appears."""

    def __init__(self, config: Mapping[str, Any], paths: list[str]) -> None:
        values = (get_path(config, p) for p in paths)
        self.secrets = sorted(
            {v for v in values if isinstance(v, str) and len(v) >= _MIN_REDACTED_LENGTH},
            key=len,
            reverse=True,
        )
        # How each secret reads inside JSON text: JSON escapes character by character, so a value
        # holding a secret holds this in its encoding.
        self._encoded = [jsontext.dumps(secret)[1:-1] for secret in self.secrets]

    def __call__(self, value: Any) -> Any:
        if not self.secrets:
            return value
        if isinstance(value, (dict, list)):
            # Results are large and almost never hold a secret: one search of their JSON text
            # (in C) decides whether the walk is needed at all.
            text = jsontext.dumps(value)
            if not any(encoded in text for encoded in self._encoded):
                return value
        return self._walk(value)

    def _walk(self, value: Any) -> Any:
        if isinstance(value, str):
            for secret in self.secrets:
                value = value.replace(secret, REDACTED)
            return value
        if isinstance(value, dict):
            return {k: self._walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._walk(v) for v in value]
        return value
