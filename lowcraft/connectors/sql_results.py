"""Turning database rows into JSON-ready records within the response size cap."""

from __future__ import annotations

import base64
import math
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from lowcraft import jsontext
from lowcraft.connectors.errors import ResponseTooLarge

_MAX_SAFE_INTEGER = 2**53
_DOUBLE_EXACT_DIGITS = 15


_AS_IS = frozenset({str, bool, type(None)})


def json_safe(value: Any) -> Any:
    """A database value as JSON: exact decimals stay exact as text when a JS number would round."""
    if value.__class__ in _AS_IS:  # the most common values first: this runs for every cell
        return value
    if isinstance(value, int):
        return value if abs(value) <= _MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return str(value)


def _decimal(value: Decimal) -> float | str:
    """A number JSON holds exactly, else the decimal's text (precise money amounts stay precise)."""
    if not value.is_finite():
        return str(value)
    text = str(value)
    if "E" not in text:
        # Up to 15 significant digits a decimal survives the trip through a double (and so JSON and
        # JavaScript) unchanged. Leading zeros are counted too, which only errs on the safe side.
        digits = len(text) - text.startswith("-") - ("." in text)
        if digits <= _DOUBLE_EXACT_DIGITS:
            return float(text)
    as_float = float(value)
    if abs(as_float) <= _MAX_SAFE_INTEGER and Decimal(repr(as_float)) == value:
        return as_float
    return text


class RowCollector:
    """Accumulates rows as records, failing with `ResponseTooLarge` as soon as the cap is passed."""

    def __init__(self, column_names: Sequence[str], max_bytes: int) -> None:
        self.names = list(column_names)
        self.max_bytes = max_bytes
        self.rows: list[dict[str, Any]] = []
        self.size = 2

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        names = self.names
        batch = [dict(zip(names, map(json_safe, row))) for row in rows]
        if not batch:
            return
        self.size += len(jsontext.dumps(batch)) + 1
        if self.size > self.max_bytes:
            mb = self.max_bytes / (1024 * 1024)
            raise ResponseTooLarge(
                f"The result is larger than the {mb:g} MB this instance allows "
                f"(passed it after {len(self.rows) + len(batch)} rows)."
            )
        self.rows.extend(batch)
