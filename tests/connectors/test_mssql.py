"""SQL Server (issue 17): bindings become typed `@p` parameters of sp_executesql.

No SQL Server runs on these machines. The first part needs none: how a query compiles, which
type each value is declared with, what pymssql finally sends, and how the driver's errors are
reported. The integration part runs against the server LOWCRAFT_TEST_MSSQL_URL names
(`mssql://sa:password@host:1433/master?encryption=off`) and is skipped without it, in CI too.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

import pymssql
import pytest
from pymssql._mssql import substitute_params

from lowcraft.actions import execute_action
from lowcraft.actions.query_binding import bind_query
from lowcraft.connectors import InstancePolicy, Limits, PoolManager
from lowcraft.connectors.errors import ConnectorError, InvalidParameter
from lowcraft.connectors.mssql import MSSQL_DIALECT, MssqlConnector, compile_call, declaration
from lowcraft.datasources.checks import check_datasource, datasource_structure

SQL = {"sql": "sql"}


def compiled(sql: str, params: dict[str, Any], prepared: bool = True) -> tuple[str, tuple[Any, ...] | None]:
    bound = bind_query({"sql": sql}, SQL, params, dialect=MSSQL_DIALECT, prepared=prepared)
    return compile_call(bound.config["sql"], bound.sql_params)


def sent(sql: str, params: dict[str, Any]) -> str:
    """The text pymssql sends for the query: the sp_executesql call with its quoted arguments."""
    call, arguments = compiled(sql, params)
    return bytes(substitute_params(call, arguments)).decode()


# --- offline: parameters, types, errors ------------------------------------------------------------


def test_bindings_become_named_parameters_declared_by_type() -> None:
    call, arguments = compiled(
        "select * from orders where id = {{Table1.selectedRow.id}} and status = {{Select1.value}} and note like '50%'",
        {"Table1.selectedRow.id": 7, "Select1.value": "open"},
    )
    assert call == "EXEC sp_executesql %s, %s, @p1 = %s, @p2 = %s"
    assert arguments == (
        "select * from orders where id = @p1 and status = @p2 and note like '50%'",
        "@p1 bigint, @p2 nvarchar(4)",
        7,
        "open",
    )


def test_a_value_never_becomes_sql_text() -> None:
    text = sent("select * from users where name = {{Input1.text}}", {"Input1.text": "'; DROP TABLE users; --"})
    assert text == (
        "EXEC sp_executesql N'select * from users where name = @p1', N'@p1 nvarchar(23)', "
        "@p1 = N'''; DROP TABLE users; --'"
    )
    # Inside a quoted literal the whole literal becomes one parameter.
    quoted = sent("select * from users where name like '%{{q}}%'", {"q": "O'Brien"})
    assert "@p1 = N'%O''Brien%'" in quoted and "like @p1" in quoted


def test_in_lists_expand_to_one_parameter_per_element() -> None:
    _, arguments = compiled("select * from orders where id in {{ids}}", {"ids": [3, 5, 8]})
    assert arguments is not None
    assert arguments[0] == "select * from orders where id in (@p1, @p2, @p3)"
    assert arguments[1] == "@p1 bigint, @p2 bigint, @p3 bigint"
    _, empty = compiled("select * from orders where id not in ({{ids}})", {"ids": []})
    assert empty == ("select * from orders where id not in (select null where 1 = 0)",)


def test_top_and_offset_fetch_take_whole_numbers_even_from_javascript_floats() -> None:
    _, top = compiled("select top ({{Table1.pageSize}}) * from orders order by id", {"Table1.pageSize": 10.0})
    assert top == ("select top (@p1) * from orders order by id", "@p1 bigint", 10)
    _, page = compiled(
        "select * from orders order by id offset {{Table1.pageOffset}} rows fetch next {{Table1.pageSize}} rows only",
        {"Table1.pageOffset": 20, "Table1.pageSize": 10},
    )
    assert page is not None
    assert page[0].endswith("offset @p1 rows fetch next @p2 rows only") and page[2:] == (20, 10)


def test_with_prepared_statements_off_values_are_inlined_and_nothing_is_substituted() -> None:
    # As in Appsmith: each value is written into the SQL as its text; the query quotes what it needs.
    call, arguments = compiled("select '100%' as p, {{n}} as n, '{{s}}' as s", {"n": 5, "s": "O'Brien"}, prepared=False)
    assert arguments is None
    assert call == "select '100%' as p, 5 as n, 'O'Brien' as s"


@pytest.mark.parametrize(
    ("value", "declared"),
    [
        (True, "bit"),
        (42, "bigint"),
        (-(2**63), "bigint"),
        (2.5, "float"),
        (Decimal("12.30"), "decimal(38, 2)"),
        ("Ada", "nvarchar(3)"),
        ("", "nvarchar(max)"),
        ("x" * 4001, "nvarchar(max)"),
        (None, "nvarchar(1)"),
        ('{"a": 1}', "nvarchar(8)"),
    ],
)
def test_each_json_value_is_declared_with_a_sql_server_type(value: Any, declared: str) -> None:
    assert declaration(value) == declared


def test_objects_and_arrays_travel_as_json_text() -> None:
    _, arguments = compiled("select openjson({{doc}})", {"doc": {"lines": [1, 2]}})
    assert arguments == ("select openjson(@p1)", "@p1 nvarchar(17)", '{"lines": [1, 2]}')


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, float("inf")])
def test_a_value_sql_server_cannot_hold_is_refused_before_anything_is_sent(value: Any) -> None:
    with pytest.raises(InvalidParameter):
        declaration(value)


@pytest.mark.anyio
async def test_a_binding_of_the_wrong_type_fails_without_connecting() -> None:
    # The datasource points nowhere: the value is refused before any connection is tried.
    result = await execute_action(
        "mssql", {"host": "127.0.0.1", "port": 9}, {"sql": "select {{n}}"}, {"n": 2**64},
        policy=InstancePolicy(allow_loopback=True),
    )
    assert result["error"]["code"] == "invalid_parameter", result
    assert "64-bit" in result["error"]["message"]


def _trailer(text: str, number: int) -> bytes:
    return (
        f"{text}DB-Lib error message {number}, severity 14:\nGeneral SQL Server error: Check messages from the SQL Server\n"
    ).encode()


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (pymssql.OperationalError((18456, _trailer("Login failed for user 'app'.", 20018))), "auth_failed", "Login failed for user 'app'."),
        (pymssql.OperationalError((4060, _trailer('Cannot open database "shop" requested by the login.', 20018))), "auth_failed", "Cannot open database"),
        (pymssql.OperationalError((20009, b"DB-Lib error message 20009, severity 9:\nUnable to connect: Adaptive Server is unavailable or does not exist (10.0.0.9)\n")), "connection_failed", "Unable to connect"),
        (pymssql.ProgrammingError((208, _trailer("Invalid object name 'ordres'.", 20018))), "query_failed", "Invalid object name 'ordres'."),
        (pymssql.IntegrityError((2627, _trailer("Violation of PRIMARY KEY constraint 'PK_orders'.", 20018))), "query_failed", "PRIMARY KEY"),
        (pymssql.OperationalError((1222, _trailer("Lock request time out period exceeded.", 20018))), "timeout", "Lock request"),
        (pymssql.OperationalError((20003, b"DB-Lib error message 20003, severity 6:\nAdaptive Server connection timed out\n")), "timeout", "timed out"),
        (pymssql.InterfaceError("Connection is closed."), "connection_failed", "closed"),
    ],
)
def test_driver_errors_are_reported_in_the_servers_words(error: Exception, code: str, words: str) -> None:
    with pytest.raises(ConnectorError) as caught, MssqlConnector().map_errors():
        raise error
    assert caught.value.code == code
    assert words in caught.value.message
    assert "DB-Lib" not in caught.value.message


# --- integration: a real SQL Server when LOWCRAFT_TEST_MSSQL_URL is set ----------------------------


@pytest.fixture
async def orders(mssql_server: dict[str, Any], policy: InstancePolicy) -> Any:
    table = f"orders_{secrets.token_hex(4)}"
    create = await execute_action(
        "mssql", mssql_server,
        {"sql": f"create table {table} (id int primary key, customer nvarchar(50) not null, total decimal(10, 2))"},
        {}, policy=policy,
    )
    assert create["isExecutionSuccess"], create
    yield table
    await execute_action("mssql", mssql_server, {"sql": f"drop table {table}"}, {}, policy=policy)


@pytest.mark.anyio
async def test_a_real_server_runs_bound_writes_reads_lists_and_pages(
    mssql_server: dict[str, Any], orders: str, policy: InstancePolicy, pools: PoolManager
) -> None:
    async def run(sql: str, params: dict[str, Any]) -> Any:
        return await execute_action("mssql", mssql_server, {"sql": sql}, params, Limits(timeout_seconds=10),
                                    datasource_id="ds-mssql", policy=policy, pools=pools)

    for i, name in enumerate(["Ada", "O'Brien", "Grace", "Alan"], start=1):
        inserted = await run(f"insert into {orders} values ({{{{id}}}}, {{{{name}}}}, {{{{total}}}})",
                             {"id": i, "name": name, "total": 10.5 * i})
        assert inserted["body"] == {"affectedRows": 1}, inserted
    listed = await run(f"select customer from {orders} where id in {{{{ids}}}} order by id", {"ids": [2, 4]})
    assert listed["body"] == [{"customer": "O'Brien"}, {"customer": "Alan"}]
    page = await run(f"select id from {orders} order by id offset {{{{o}}}} rows fetch next {{{{n}}}} rows only",
                     {"o": 1, "n": 2.0})
    assert page["body"] == [{"id": 2}, {"id": 3}]
    top = await run(f"select top ({{{{n}}}}) id from {orders} order by id desc", {"n": 1})
    assert top["body"] == [{"id": 4}]
    injected = await run(f"select count(*) as n from {orders} where customer = {{{{q}}}}", {"q": "x' or 1=1 --"})
    assert injected["body"] == [{"n": 0}]
    structure = await datasource_structure("mssql", mssql_server, policy=policy)
    table = next(t for t in structure["tables"] if t["name"] == orders)
    assert table["primaryKey"] == ["id"] and [c["name"] for c in table["columns"]] == ["id", "customer", "total"]


@pytest.mark.anyio
async def test_a_real_server_reports_a_wrong_password_and_a_bad_statement(
    mssql_server: dict[str, Any], policy: InstancePolicy
) -> None:
    tested = await check_datasource("mssql", {**mssql_server, "password": "not-the-password"}, policy=policy)
    assert tested["ok"] is False and tested["code"] == "auth_failed", tested
    failed = await execute_action("mssql", mssql_server, {"sql": "select * from no_such_table"}, {}, policy=policy)
    assert failed["error"]["code"] == "query_failed" and "no_such_table" in failed["error"]["message"]
