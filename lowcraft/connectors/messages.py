"""What the message-queue connectors (RabbitMQ, NATS) share: the message body and its headers.

A message is a JSON document (`Binds("json")`: bindings are JSON values where they stand), sent as
JSON, or as the text itself when `encoding` is `text` and the document is one string.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from lowcraft.connectors.errors import BadParameters

Encoding = Literal["json", "text"]

MAX_MESSAGE_BYTES = 1024 * 1024
"""The largest message a connector sends (both RabbitMQ and NATS default to about this much)."""


def message_body(document: str, encoding: Encoding, max_bytes: int = MAX_MESSAGE_BYTES) -> tuple[bytes, str]:
    """The bytes to send and their content type; `BadParameters` for a body that is no JSON or too large."""
    try:
        value = json.loads(document) if document.strip() else None
    except json.JSONDecodeError as exc:
        raise BadParameters(f"The message is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.") from None
    if encoding == "text":
        if not isinstance(value, str):
            raise BadParameters('A text message is one JSON string: write "{{Input1.text}}" with the quotes.')
        body, content_type = value.encode(), "text/plain; charset=utf-8"
    else:
        body, content_type = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode(), "application/json"
    if len(body) > max_bytes:
        raise BadParameters(
            f"The message is {len(body)} bytes; at most {max_bytes} are sent.",
            "Send a reference (an object key, a row id) instead of the data itself.",
        )
    return body, content_type


def message_headers(document: str) -> dict[str, str]:
    """Headers from a JSON object of text values (empty when the field is empty)."""
    if not document.strip():
        return {}
    try:
        value = json.loads(document)
    except json.JSONDecodeError as exc:
        raise BadParameters(f"The headers are not valid JSON: {exc.msg}.") from None
    if not isinstance(value, dict):
        raise BadParameters("The headers must be a JSON object of names and values.")
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


def reply_body(data: bytes) -> Any:
    """A reply as JSON where it is JSON, else as text."""
    text = data.decode(errors="replace")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
