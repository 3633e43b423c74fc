"""`execute_action` end to end on SQLite files, the result shape, and secret handling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, Limits
from lowcraft.connectors.secrets import MASK, mask_secrets, merge_secrets, secret_fields

pytestmark = pytest.mark.anyio

RESULT_KEYS = {
    "isExecutionSuccess",
    "statusCode",
    "body",
    "headers",
    "rowCount",
    "columns",
    "durationMs",
    "request",
}


@pytest.fixture
def sqlite_db(tmp_path: Path) -> tuple[dict[str, Any], InstancePolicy]:
    return {"path": str(tmp_path / "shop.db"), "create": True}, InstancePolicy(file_roots=(tmp_path,))


async def run(
    db: tuple[dict[str, Any], InstancePolicy], sql: str, params: dict[str, Any] | None = None, **kw: Any
) -> dict[str, Any]:
    return await execute_action("sqlite", db[0], {"sql": sql}, params or {}, policy=db[1], **kw)


async def test_a_successful_execution_has_the_documented_shape(sqlite_db: Any) -> None:
    await run(sqlite_db, "create table orders (id integer primary key, customer text not null)")
    inserted = await run(
        sqlite_db, "insert into orders (customer) values ({{Input1.text}})", {"Input1.text": "ada"}
    )
    assert set(inserted) == RESULT_KEYS and inserted["body"] == {"affectedRows": 1}
    result = await run(sqlite_db, "select id, customer from orders where customer = '{{c}}'", {"c": "ada"})
    assert set(result) == RESULT_KEYS
    assert result["isExecutionSuccess"] is True
    assert result["body"] == [{"id": 1, "customer": "ada"}] and result["rowCount"] == 1
    assert [c["name"] for c in result["columns"]] == ["id", "customer"]
    assert result["request"] == {
        "sql": "select id, customer from orders where customer = ?",
        "params": ["ada"],
    }


async def test_a_failed_execution_carries_a_readable_error(sqlite_db: Any) -> None:
    result = await run(sqlite_db, "select * from no_such_table")
    assert set(result) == RESULT_KEYS | {"error"}
    assert result["isExecutionSuccess"] is False
    assert result["error"] == {
        "code": "query_failed",
        "message": "no such table: no_such_table",
        "hint": "Check the query; the message above is the server's own.",
    }


async def test_injection_leaves_the_table_intact(sqlite_db: Any) -> None:
    await run(sqlite_db, "create table orders (id integer primary key, customer text)")
    await run(sqlite_db, "insert into orders (customer) values ('ada')")
    attack = await run(
        sqlite_db, "select * from orders where customer = {{x}}", {"x": "'; DROP TABLE orders; --"}
    )
    assert attack["body"] == []
    assert (await run(sqlite_db, "select count(*) as n from orders"))["body"] == [{"n": 1}]


async def test_files_outside_the_allowed_directories_are_refused(tmp_path: Path) -> None:
    policy = InstancePolicy(file_roots=(tmp_path / "allowed",))
    for path in ("/etc/passwd", str(tmp_path / "allowed" / ".." / "escape.db")):
        result = await execute_action("sqlite", {"path": path}, {"sql": "select 1"}, {}, policy=policy)
        assert result["error"]["code"] == "file_not_allowed"


async def test_slow_sqlite_queries_are_interrupted(sqlite_db: Any) -> None:
    endless = "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"
    result = await run(sqlite_db, endless, limits=Limits(timeout_seconds=0.3))
    assert result["error"]["code"] == "timeout"


async def test_bad_configs_and_unknown_connectors_are_errors_not_exceptions(sqlite_db: Any) -> None:
    unknown = await execute_action("oracle", {}, {"sql": "select 1"}, {})
    assert unknown["error"]["code"] == "unknown_connector"
    bad = await execute_action(
        "postgres", {"port": "not a port", "password": "pw-123"}, {"sql": "select 1"}, {}
    )
    assert bad["error"]["code"] == "bad_parameters" and "port" in bad["error"]["message"]
    assert "pw-123" not in repr(bad)


def test_secrets_are_masked_and_a_masked_write_keeps_the_stored_secret() -> None:
    stored = {"base_url": "https://api.example.com", "auth": {"type": "bearer", "token": "real-token"}}
    assert secret_fields("rest") == [
        "auth.api_key_value",
        "auth.client_secret",
        "auth.password",
        "auth.token",
    ]
    shown = mask_secrets("rest", stored)
    assert shown["auth"]["token"] == MASK and stored["auth"]["token"] == "real-token"
    edited = {**shown, "base_url": "https://api.example.com/v2"}
    assert merge_secrets("rest", edited, stored)["auth"]["token"] == "real-token"
    replaced = {**shown, "auth": {"type": "bearer", "token": "new-token"}}
    assert merge_secrets("rest", replaced, stored)["auth"]["token"] == "new-token"
    assert mask_secrets("postgres", {"password": ""})["password"] == ""


async def test_secrets_never_appear_in_a_result(sqlite_db: Any) -> None:
    result = await execute_action(
        "postgres",
        {"host": "127.0.0.1", "port": 9, "password": "hunter22"},
        {"sql": "select '{{x}}'"},
        {"x": "hunter22"},
    )
    assert "hunter22" not in repr(result)
