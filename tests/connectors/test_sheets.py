"""Google Sheets against a local server speaking the Sheets v4 and OAuth token endpoints (issue 17).

The connector signs in as a service account (a JWT the server verifies), reads rows as objects
keyed by the header row, and appends, updates and deletes rows by their number.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy
from lowcraft.connectors.sheets import sample_key
from lowcraft.datasources.checks import check_datasource, datasource_structure
from tests.connectors.sheets_server import SheetsServer

pytestmark = pytest.mark.anyio


@pytest.fixture
def orders(sheets_server: tuple[str, SheetsServer]) -> tuple[dict[str, Any], list[list[Any]]]:
    """A spreadsheet of its own with an `Orders` sheet of two rows; the datasource config and the rows."""
    url, api = sheets_server
    sid = f"sheet-{secrets.token_hex(4)}"
    rows: list[list[Any]] = [["Customer", "Total", "Status"], ["Ada", 12.5, "open"], ["Alan", 7, "shipped"]]
    api.spreadsheets[sid] = {"Orders": rows, "It's mine": [["A"]]}
    return {"api_base_url": url, "default_spreadsheet_id": sid, "service_account_key": sample_key(url + "/token")}, rows


async def run(config: dict[str, Any], query: dict[str, Any], params: dict[str, Any], policy: InstancePolicy) -> Any:
    return await execute_action("sheets", config, {"sheet": "Orders", **query}, params, policy=policy)


async def test_rows_are_read_as_objects_keyed_by_the_header(orders: Any, policy: InstancePolicy) -> None:
    config, _ = orders
    result = await run(config, {"operation": "read"}, {}, policy)
    assert result["body"] == [
        {"Customer": "Ada", "Total": 12.5, "Status": "open", "rowIndex": 2},
        {"Customer": "Alan", "Total": 7, "Status": "shipped", "rowIndex": 3},
    ], result
    assert config["service_account_key"] not in json.dumps(result)


async def test_rows_are_appended_updated_and_deleted(orders: Any, policy: InstancePolicy) -> None:
    config, rows = orders
    appended = await run(config, {"operation": "append", "row": '{"Customer": {{name}}, "Total": {{total}}}'},
                         {"name": "Grace", "total": 30}, policy)
    assert appended["body"] == {"appended": True, "rowIndex": 4}, appended
    assert rows[3] == ["Grace", 30, ""]

    updated = await run(config, {"operation": "update", "row_index": "{{Table1.selectedRow.rowIndex}}",
                                 "row": '{"Status": {{Select1.value}}}'},
                        {"Table1.selectedRow.rowIndex": 2, "Select1.value": "shipped"}, policy)
    assert updated["isExecutionSuccess"], updated
    assert rows[1] == ["Ada", 12.5, "shipped"]  # the other cells kept

    deleted = await run(config, {"operation": "delete", "row_index": "{{i}}"}, {"i": 3}, policy)
    assert deleted["isExecutionSuccess"], deleted
    assert [r[0] for r in rows] == ["Customer", "Ada", "Grace"]


@pytest.mark.parametrize(
    ("query", "params", "code", "words"),
    [
        ({"operation": "append", "row": '{"Nope": 1}'}, {}, "bad_parameters", "no column named 'Nope'"),
        ({"operation": "update", "row_index": "{{i}}", "row": '{"Status": "x"}'}, {"i": 1}, "bad_parameters", "from 2"),
        ({"operation": "update", "row_index": "{{i}}", "row": '{"Status": "x"}'}, {"i": "two"}, "bad_parameters", "from 2"),
        ({"operation": "delete", "row_index": "2", "sheet": "Missing"}, {}, "query_failed", "no sheet named"),
        ({"operation": "read", "spreadsheet_id": "private"}, {}, "auth_failed", "permission"),
        ({"operation": "read", "spreadsheet_id": "unknown"}, {}, "query_failed", "not found"),
    ],
)
async def test_bad_input_gets_a_clear_error_and_changes_nothing(
    orders: Any, policy: InstancePolicy, query: dict[str, Any], params: dict[str, Any], code: str, words: str
) -> None:
    config, rows = orders
    before = json.dumps(rows)
    result = await run(config, query, params, policy)
    assert result["error"]["code"] == code, result
    assert words in result["error"]["message"], result
    assert json.dumps(rows) == before


async def test_a_key_the_server_does_not_know_is_refused(orders: Any, policy: InstancePolicy) -> None:
    config, _ = orders
    stranger = json.loads(config["service_account_key"])
    stranger["client_email"] = "someone-else@example.iam.gserviceaccount.com"
    tested = await check_datasource("sheets", {**config, "service_account_key": json.dumps(stranger)}, policy=policy)
    assert tested["ok"] is False and tested["code"] == "auth_failed" and "Invalid JWT" in tested["message"], tested
    broken = await check_datasource("sheets", {**config, "service_account_key": "{not json"}, policy=policy)
    assert broken["code"] == "bad_parameters" and "whole key file" in broken["message"]


async def test_the_structure_lists_the_sheets(orders: Any, policy: InstancePolicy) -> None:
    config, _ = orders
    structure = await datasource_structure("sheets", config, policy=policy)
    assert [t["name"] for t in structure["tables"]] == ["Orders", "It's mine"]
    quoted = await run(config, {"operation": "read", "sheet": "It's mine"}, {}, policy)
    assert quoted["isExecutionSuccess"] and quoted["body"] == [], quoted
