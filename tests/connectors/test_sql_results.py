"""What database values look like in a result: JSON a browser reads without losing precision."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy
from lowcraft.connectors.errors import ResponseTooLarge
from lowcraft.connectors.sql_results import RowCollector, json_safe


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), (True, True), ("text", "text"), (42, 42), (1.5, 1.5),
    (2**53, 2**53), (2**53 + 1, "9007199254740993"), (-(2**60), str(-(2**60))),
    (float("nan"), "nan"), (float("inf"), "inf"),
    # Decimals: a number when a double holds them exactly, else their text.
    (Decimal("15000.50"), 15000.5), (Decimal("-0.05"), -0.05), (Decimal("1.10"), 1.1), (Decimal("1E+3"), 1000.0),
    (Decimal("123456789012345.6"), 123456789012345.6),
    (Decimal(9007199254740993), "9007199254740993"),
    (Decimal("0.1000000000000000055511151231257827"), "0.1000000000000000055511151231257827"),
    (Decimal("12345678901234567890.5"), "12345678901234567890.5"),
    (Decimal("NaN"), "NaN"), (Decimal("-Infinity"), "-Infinity"),
    (date(2026, 11, 26), "2026-11-26"), (datetime(2026, 11, 26, 8, 30, tzinfo=UTC), "2026-11-26T08:30:00+00:00"),
    (time(8, 30), "08:30:00"), (timedelta(minutes=90), 5400.0),
    (b"\x00\xff", "AP8="), (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    ({"a": Decimal("2.5"), 1: [2**60]}, {"a": 2.5, "1": [str(2**60)]}),
])
def test_values_become_json_without_losing_precision(value: Any, expected: Any) -> None:
    assert json_safe(value) == expected
    json.dumps(json_safe(value), allow_nan=False)


def test_rows_are_collected_as_records_until_the_cap() -> None:
    collector = RowCollector(["id", "name"], max_bytes=200)
    collector.add([(1, "Ada"), (2, "Bob")])
    assert collector.rows == [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Bob"}]
    with pytest.raises(ResponseTooLarge, match="passed it after 12 rows"):
        collector.add([(n, "x" * 10) for n in range(10)])


def test_a_result_over_the_cap_says_what_to_do_about_it() -> None:
    collector = RowCollector(["id"], max_bytes=20)
    with pytest.raises(ResponseTooLarge) as refused:
        collector.add([(n,) for n in range(10)])
    hint = refused.value.as_dict()["hint"]
    assert "server-side pagination" in hint and "LIMIT" in hint and "LOWCRAFT_MAX_RESPONSE_MB" in hint


@pytest.mark.anyio
async def test_a_secret_in_a_result_is_redacted_wherever_it_appears(pg_database: dict[str, Any], policy: InstancePolicy) -> None:
    # PostgreSQL here trusts local logins, so the password is only a secret to redact: the
    # query echoes it back as data, inside text and inside a JSON document.
    config = {**pg_database, "password": "s3cret-passw0rd"}
    result = await execute_action(
        "postgres", config,
        {"sql": "select {{a}}::text as plain, {{b}}::json as nested, 'safe' as other"},
        {"a": "before s3cret-passw0rd after", "b": {"deep": ["s3cret-passw0rd"]}}, policy=policy
    )
    assert result["isExecutionSuccess"] is True, result
    assert "s3cret-passw0rd" not in json.dumps(result)
    assert result["body"][0]["plain"] == "before **** after"
    assert result["body"][0]["nested"] == {"deep": ["****"]}
    assert result["body"][0]["other"] == "safe"
