"""PostgreSQL and MariaDB through `execute_action`, against the machine's real servers."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import psycopg
import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, Limits, PoolManager
from lowcraft.datasources.checks import datasource_structure
from tests.servers import PortForwarder

pytestmark = pytest.mark.anyio

ENGINES = ["postgres", "mysql"]

CREATE_ORDERS = {
    "postgres": "create table if not exists orders (id serial primary key, customer text not null, "
    "total numeric(10,2) check (total >= 0), tags jsonb)",
    "mysql": "create table if not exists orders (id int auto_increment primary key, customer varchar(100) not null, "
    "total decimal(10,2) check (total >= 0), tags json)",
}


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    name = request.param
    config = request.getfixturevalue("pg_database" if name == "postgres" else "mysql_database")
    return name, config


@pytest.fixture
async def orders(engine: tuple[str, dict[str, Any]], pools: PoolManager, policy: InstancePolicy) -> Any:
    """A fresh `orders` table with two rows; returns a runner for SQL with params."""
    name, config = engine

    async def run(sql: str, params: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
        options.setdefault("datasource_id", f"orders-{name}")
        return await execute_action(name, config, {"sql": sql}, params or {}, pools=pools, **options, policy=policy)

    assert (await run("drop table if exists orders"))["isExecutionSuccess"]
    assert (await run(CREATE_ORDERS[name]))["isExecutionSuccess"]
    result = await run("insert into orders (customer, total) values ('ada', 10.5), ('bob', 20)")
    assert result["rowCount"] == 2
    return run


async def count_orders(run: Any) -> int:
    result = await run("select count(*) as n from orders")
    return int(result["body"][0]["n"])


@pytest.mark.parametrize("attack", ["'; DROP TABLE orders; --", "1 OR 1=1", "ada' OR '1'='1"])
async def test_injection_through_a_binding_arrives_as_a_plain_value(orders: Any, attack: str) -> None:
    for sql in (
        "select * from orders where customer = {{Input1.text}}",
        "select * from orders where customer = '{{Input1.text}}'",
    ):
        result = await orders(sql, {"Input1.text": attack})
        assert result["isExecutionSuccess"], result
        assert result["body"] == []
    assert await count_orders(orders) == 2


async def test_values_keep_their_types(orders: Any, engine: tuple[str, dict[str, Any]]) -> None:
    result = await orders(
        "select * from orders where total > {{min}} and customer like '%{{q}}%' order by id",
        {"min": 15, "q": "o"},
    )
    assert [row["customer"] for row in result["body"]] == ["bob"]
    assert result["columns"][0]["name"] == "id" and result["rowCount"] == 1
    inserted = await orders(
        "insert into orders (customer, total, tags) values ({{name}}, {{total}}, {{tags}})",
        {"name": "cy", "total": 3.25, "tags": {"vip": True, "regions": ["eu"]}},
    )
    assert inserted["isExecutionSuccess"], inserted
    row = (await orders("select total, tags from orders where customer = 'cy'"))["body"][0]
    assert row["total"] == 3.25
    tags = row["tags"] if engine[0] == "postgres" else json.loads(row["tags"])
    assert tags == {"vip": True, "regions": ["eu"]}


async def test_null_and_booleans_bind(orders: Any) -> None:
    result = await orders(
        "select {{flag}} as flag, cast({{nothing}} as char(1)) is null as empty",
        {"flag": True, "nothing": None},
    )
    assert result["isExecutionSuccess"], result
    assert result["body"][0]["empty"] in (True, 1)


async def test_postgres_arrays_bind_as_arrays(pg_database: dict[str, Any], pools: PoolManager, policy: InstancePolicy) -> None:
    result = await execute_action(
        "postgres", pg_database, {"sql": "select 3 = any({{ids}}) as found"}, {"ids": [1, 2, 3]}, pools=pools, policy=policy
    )
    assert result["body"] == [{"found": True}]


async def test_mysql_arrays_bind_as_json(mysql_database: dict[str, Any], pools: PoolManager, policy: InstancePolicy) -> None:
    sql = "select json_contains({{ids}}, '3') as found"
    result = await execute_action("mysql", mysql_database, {"sql": sql}, {"ids": [1, 2, 3]}, pools=pools, policy=policy)
    assert result["body"] == [{"found": 1}]


async def test_a_wrong_type_is_the_databases_own_readable_error(orders: Any) -> None:
    result = await orders("insert into orders (customer, total) values ('dan', {{total}})", {"total": "lots"})
    assert result["isExecutionSuccess"] is False
    assert result["error"]["code"] == "query_failed"
    assert "lots" in result["error"]["message"] or "Incorrect" in result["error"]["message"]
    assert await count_orders(orders) == 2


async def test_a_failing_statement_writes_nothing(orders: Any) -> None:
    result = await orders("insert into orders (customer, total) values ('eve', 1), ('fay', -5)")
    assert result["error"]["code"] == "query_failed"
    assert await count_orders(orders) == 2


async def test_with_prepared_statements_off_a_multi_row_insert_built_from_an_array_runs(orders: Any) -> None:
    # What the client sends for `{{ rows.map(r => `('${r.customer}', ${r.total})`).join(', ') }}`.
    rows = [{"customer": "cy", "total": 3}, {"customer": "dee", "total": 4.5}]
    built = ", ".join(f"('{r['customer']}', {r['total']})" for r in rows)
    result = await orders("insert into orders (customer, total) values {{rows}}", {"rows": built},
                          prepared_statements=False)
    assert result["isExecutionSuccess"], result
    assert result["rowCount"] == 2 and result["request"]["params"] is None
    found = await orders("select customer, total from orders where id > 2 order by id")
    assert [(r["customer"], float(r["total"])) for r in found["body"]] == [("cy", 3.0), ("dee", 4.5)]


async def test_with_prepared_statements_off_a_string_is_inserted_as_sql_text(orders: Any) -> None:
    # A column, an operator and a condition chosen in the app: none of them can be a parameter.
    result = await orders(
        "select {{column}} as c from orders where {{condition}} order by id",
        {"column": "customer", "condition": "total > 15"},
        prepared_statements=False,
    )
    assert result["isExecutionSuccess"], result
    assert result["body"] == [{"c": "bob"}]
    quoted = await orders("select count(*) as n from orders where customer in ('{{names}}')",
                          {"names": "ada','bob"}, prepared_statements=False)
    assert int(quoted["body"][0]["n"]) == 2
    # With no parameters the driver reads `%` as itself, in the template and in a value alike.
    like = await orders("select count(*) as n from orders where customer like '{{prefix}}%' or customer like '%{{q}}'",
                        {"prefix": "a", "q": "%zz"}, prepared_statements=False)
    assert like["isExecutionSuccess"], like
    assert int(like["body"][0]["n"]) == 1


async def test_the_default_still_binds_parameters_so_the_same_text_stays_a_value(orders: Any) -> None:
    result = await orders("select count(*) as n from orders where customer = {{q}}", {"q": "x' OR '1'='1"})
    assert result["isExecutionSuccess"], result
    assert int(result["body"][0]["n"]) == 0
    assert result["request"]["params"] == ["x' OR '1'='1"]
    assert await count_orders(orders) == 2


async def test_huge_results_fail_with_a_clear_error(orders: Any, engine: tuple[str, dict[str, Any]]) -> None:
    sql = {
        "postgres": "select g, repeat('x', 100) from generate_series(1, 200000) g",
        "mysql": "select seq, repeat('x', 100) from seq_1_to_200000",
    }[engine[0]]
    result = await orders(sql, limits=Limits(max_response_bytes=1024 * 1024))
    assert result["error"]["code"] == "response_too_large"
    assert "1 MB" in result["error"]["message"]
    assert (await orders("select 1 as ok"))["body"] == [{"ok": 1}]


async def test_slow_queries_are_stopped_at_the_time_limit(
    orders: Any, engine: tuple[str, dict[str, Any]]
) -> None:
    sql = {"postgres": "select pg_sleep(5)", "mysql": "select sleep(5) from orders"}[engine[0]]
    result = await orders(sql, limits=Limits(timeout_seconds=0.5))
    assert result["error"]["code"] == "timeout", result
    assert result["durationMs"] < 4000
    assert (await orders("select 1 as ok"))["body"] == [{"ok": 1}]


async def test_a_connection_killed_mid_query_is_a_clear_error(
    pg_database: dict[str, Any], pools: PoolManager, policy: InstancePolicy
) -> None:
    async def kill_soon() -> None:
        await asyncio.sleep(0.5)
        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as admin:
            admin.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity "
                "where datname = %s and query like %s and pid <> pg_backend_pid()",
                [pg_database["database"], "%pg_sleep(3)%"],
            )

    killer = asyncio.create_task(kill_soon())
    result = await execute_action(
        "postgres", pg_database, {"sql": "select pg_sleep(3)"}, {}, datasource_id="killed", pools=pools, policy=policy
    )
    await killer
    assert result["error"]["code"] == "connection_failed", result
    assert "terminat" in result["error"]["message"]
    again = await execute_action(
        "postgres", pg_database, {"sql": "select 1 as ok"}, {}, datasource_id="killed", pools=pools, policy=policy
    )
    assert again["body"] == [{"ok": 1}]


async def test_a_wrong_password_is_an_auth_error(mysql_database: dict[str, Any], policy: InstancePolicy) -> None:
    result = await execute_action(
        "mysql", {**mysql_database, "password": "wrong-pass"}, {"sql": "select 1"}, {}, policy=policy
    )
    assert result["error"]["code"] == "auth_failed"
    assert "wrong-pass" not in repr(result)


async def test_an_unknown_postgres_role_is_an_auth_error(pg_database: dict[str, Any], policy: InstancePolicy) -> None:
    result = await execute_action("postgres", {**pg_database, "user": "nobody_here"}, {"sql": "select 1"}, {}, policy=policy)
    assert result["error"]["code"] == "auth_failed"


async def test_structure_lists_tables_columns_and_primary_keys(
    orders: Any, engine: tuple[str, dict[str, Any]], pools: PoolManager, policy: InstancePolicy
) -> None:
    structure = await datasource_structure(engine[0], engine[1], pools=pools, policy=policy)
    table = next(t for t in structure["tables"] if t["name"] == "orders")
    assert table["primaryKey"] == ["id"]
    assert [c["name"] for c in table["columns"]] == ["id", "customer", "total", "tags"]
    assert next(c for c in table["columns"] if c["name"] == "customer")["nullable"] is False


async def test_concurrent_executions_share_a_bounded_pool(orders: Any) -> None:
    results = await asyncio.gather(*(orders("select {{n}} as n", {"n": n}) for n in range(20)))
    assert sorted(int(r["body"][0]["n"]) for r in results) == list(range(20))  # MySQL echoes numbers as text


async def test_an_unreachable_postgres_is_a_connection_error_at_once(pools: PoolManager, policy: InstancePolicy) -> None:
    # A saved datasource pools its connections; its first execution used to wait out the whole
    # time limit and then blame the pool size.
    started = time.monotonic()
    result = await execute_action(
        "postgres", {"host": "127.0.0.1", "port": 1, "user": "postgres"}, {"sql": "select 1"}, {},
        Limits(timeout_seconds=8), datasource_id="nowhere", pools=pools, policy=policy,
    )
    assert result["error"]["code"] == "connection_failed", result
    assert "refused" in result["error"]["message"] and "pool size" not in result["error"]["hint"]
    assert time.monotonic() - started < 3


async def test_a_postgres_server_gone_after_the_pool_was_made_is_reported_as_unreachable(
    pools: PoolManager, policy: InstancePolicy, pg_database: dict[str, Any]
) -> None:
    forwarder = PortForwarder(("127.0.0.1", 5432))
    config = {**pg_database, "port": forwarder.port}
    first = await execute_action(
        "postgres", config, {"sql": "select 1 as ok"}, {}, datasource_id="vanishing", pools=pools, policy=policy
    )
    assert first["body"] == [{"ok": 1}]
    forwarder.stop()  # the server's address stops answering; the pooled connection breaks too
    results = [
        await execute_action(
            "postgres", config, {"sql": "select 1 as ok"}, {}, Limits(timeout_seconds=2),
            datasource_id="vanishing", pools=pools, policy=policy,
        )
        for _ in range(3)
    ]
    assert all(r["error"]["code"] == "connection_failed" for r in results), results
    assert not any("pool size" in r["error"]["hint"] for r in results)


@pytest.mark.parametrize("value", [0, 0.0, False, True, 1])
async def test_a_json_number_or_boolean_cannot_match_every_text_value(
    orders: Any, engine: tuple[str, dict[str, Any]], value: Any
) -> None:
    # MySQL compares `customer = 0` as numbers, which is true for every name not starting with a
    # digit; a viewer could widen the query by sending 0 where the app sends a name.
    result = await orders("select customer from orders where customer = {{v}}", {"v": value})
    assert not (result["isExecutionSuccess"] and result["body"]), result
    # Where the column is a number, the number still compares as one.
    totals = await orders("select customer from orders where total > {{v}} order by id", {"v": 15})
    assert [r["customer"] for r in totals["body"]] == ["bob"]
