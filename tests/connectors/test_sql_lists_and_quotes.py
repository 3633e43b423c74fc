"""IN-list bindings and quoted literals on the real PostgreSQL, MariaDB and SQLite, through `execute_action`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, PoolManager

pytestmark = pytest.mark.anyio

ENGINES = ["postgres", "mysql", "sqlite"]
ATTACKS = [
    "x' OR '1'='1",
    "'); DROP TABLE people; --",
    "\\'); DROP TABLE people; --",
    "$$; DROP TABLE people; --",
]


@pytest.fixture(params=ENGINES)
async def people(
    request: pytest.FixtureRequest, pools: PoolManager, policy: InstancePolicy, tmp_path: Path
) -> Any:
    """A fresh `people` table (ada, bob, cy with ids 1-3); returns a runner for SQL with params."""
    name = request.param
    if name == "sqlite":
        config: dict[str, Any] = {"path": str(tmp_path / "people.db"), "create": True}
    else:
        config = request.getfixturevalue("pg_database" if name == "postgres" else "mysql_database")

    async def run(sql: str, params: dict[str, Any] | None = None, prepared: bool = True) -> dict[str, Any]:
        result = await execute_action(
            name,
            config,
            {"sql": sql},
            params or {},
            datasource_id=f"people-{name}",
            prepared_statements=prepared,
            policy=policy,
            pools=pools,
        )
        assert result["isExecutionSuccess"], result
        return result

    await run("drop table if exists people")
    await run("create table people (id int primary key, name varchar(50) not null)")
    await run("insert into people (id, name) values (1, 'ada'), (2, 'bob'), (3, 'cy')")
    return run


async def names(run: Any, sql: str, params: dict[str, Any]) -> list[str]:
    result = await run(sql, params)
    return sorted(row["name"] for row in result["body"])


@pytest.mark.parametrize("where", ["id in {{ids}}", "id in ({{ids}})", "id IN ( {{ids}} )"])
async def test_in_with_an_array_matches_each_of_its_elements(people: Any, where: str) -> None:
    found = await names(people, f"select name from people where {where}", {"ids": [1, 3]})
    assert found == ["ada", "cy"]


async def test_in_with_an_empty_array_matches_nothing_and_not_in_everything(
    people: Any
) -> None:
    assert await names(people, "select name from people where id in {{ids}}", {"ids": []}) == []
    assert await names(people, "select name from people where id in ({{ids}})", {"ids": []}) == []
    everyone = await names(people, "select name from people where id not in {{ids}}", {"ids": []})
    assert everyone == ["ada", "bob", "cy"]
    others = await names(people, "select name from people where id not in {{ids}}", {"ids": [2]})
    assert others == ["ada", "cy"]


async def test_injection_strings_inside_an_array_arrive_as_plain_values(people: Any) -> None:
    found = await names(
        people, "select name from people where name in {{names}}", {"names": ["ada", *ATTACKS]}
    )
    assert found == ["ada"]
    count = await people("select count(*) as n from people")
    assert int(count["body"][0]["n"]) == 3


async def test_an_array_in_the_middle_of_a_longer_query_leaves_the_other_bindings_in_place(
    people: Any
) -> None:
    found = await names(
        people,
        "select name from people where id in {{ids}} and name <> {{skip}} and name like '%{{part}}%'",
        {"ids": [1, 2, 3], "skip": "bob", "part": "a"},
    )
    assert found == ["ada"]


async def test_postgres_arrays_outside_in_stay_arrays(
    pg_database: dict[str, Any], pools: PoolManager, policy: InstancePolicy
) -> None:
    result = await execute_action(
        "postgres",
        pg_database,
        {"sql": "select 3 = any({{ids}}) as found, cardinality({{ids}}::int[]) as n"},
        {"ids": [1, 2, 3]},
        pools=pools, policy=policy
    )
    assert result["body"] == [{"found": True, "n": 3}], result


async def test_mysql_arrays_outside_in_stay_json_text(
    mysql_database: dict[str, Any], pools: PoolManager, policy: InstancePolicy
) -> None:
    result = await execute_action(
        "mysql",
        mysql_database,
        {"sql": "select json_contains({{ids}}, '3') as found"},
        {"ids": [1, 2, 3]},
        pools=pools, policy=policy
    )
    assert result["body"] == [{"found": 1}], result


@pytest.mark.parametrize("attack", ATTACKS)
async def test_postgres_dollar_quotes_hold_bindings_as_text_and_do_not_hide_later_ones(
    pg_database: dict[str, Any], pools: PoolManager, attack: str, policy: InstancePolicy
) -> None:
    result = await execute_action(
        "postgres",
        pg_database,
        {
            "sql": "select $$it's {{who}}$$ as greeting, $q$ $1 'odd $$ q $q$ as raw, "
            "E'tab\\t{{who}}' as escaped, {{n}}::int + 1 as next, '{{who}}' as quoted"
        },
        {"who": attack, "n": 41},
        pools=pools, policy=policy
    )
    assert result["isExecutionSuccess"], result
    assert result["body"] == [
        {
            "greeting": f"it's {attack}",
            "raw": " $1 'odd $$ q ",
            "escaped": f"tab\t{attack}",
            "next": 42,
            "quoted": attack,
        }
    ]


async def test_with_prepared_statements_off_rows_built_from_an_array_are_inserted_on_every_engine(people: Any) -> None:
    # What `{{ rows.map(r => `(${r.id}, '${r.name}')`).join(', ') }}` sends, as Appsmith apps write it.
    rows = [{"id": 4, "name": "dee"}, {"id": 5, "name": "eve"}]
    built = ", ".join(f"({r['id']}, '{r['name']}')" for r in rows)
    result = await people("insert into people (id, name) values {{rows}}", {"rows": built}, prepared=False)
    assert result["rowCount"] == 2
    found = await people("select name from people where id in ({{ids}}) order by id", {"ids": "4, 5"}, prepared=False)
    assert [r["name"] for r in found["body"]] == ["dee", "eve"]
    # The same text with prepared statements on is one value: no such id, nothing runs as SQL.
    assert (await people("select name from people where name = {{rows}}", {"rows": built}))["body"] == []
