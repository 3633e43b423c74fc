"""How stored queries are rebuilt from binding values, for every binding kind."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lowcraft.actions.binding import bind_query, bind_sql
from lowcraft.connectors.errors import BadParameters, MissingBinding, UnknownBinding
from lowcraft.connectors.mysql import MYSQL_DIALECT
from lowcraft.connectors.postgres import POSTGRES_DIALECT
from lowcraft.connectors.sqlite import SQLITE_DIALECT

ATTACKS = ["'; DROP TABLE orders; --", "1 OR 1=1", "x\\' OR 1=1 -- "]


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("dialect", [POSTGRES_DIALECT, MYSQL_DIALECT, SQLITE_DIALECT], ids=lambda d: d.name)
def test_bindings_become_placeholders_with_the_value_as_a_parameter(attack: str, dialect: Any) -> None:
    sql, params = bind_sql(
        "select * from orders where id = {{Input1.text}}", {"Input1.text": attack}, dialect
    )
    assert sql == f"select * from orders where id = {dialect.placeholder}"
    assert params == [attack]


def test_a_quoted_binding_becomes_one_text_parameter_with_its_surroundings() -> None:
    sql, params = bind_sql(
        "select * from t where name = '{{Input1.text}}' and note ilike '%{{q}}%' and x = 'it''s'",
        {"Input1.text": "O'Brien", "q": 5},
        POSTGRES_DIALECT,
    )
    assert sql == "select * from t where name = %s and note ilike %s and x = 'it''s'"
    assert params == ["O'Brien", "%5%"]


def test_literal_percent_signs_survive_pyformat_drivers() -> None:
    sql, params = bind_sql("select '100%' as p, {{a}} % 7 as m", {"a": 12}, POSTGRES_DIALECT)
    assert sql == "select '100%%' as p, %s %% 7 as m" and params == [12]
    sql, _ = bind_sql("select '100%' as p, {{a}} as m", {"a": 12}, SQLITE_DIALECT)
    assert sql == "select '100%' as p, ? as m"


def test_values_keep_their_json_types() -> None:
    _, params = bind_sql(
        "insert into t values ({{n}}, {{f}}, {{b}}, {{z}}, {{arr}}, {{obj}})",
        {"n": 3, "f": 2.5, "b": True, "z": None, "arr": [1, 2], "obj": {"a": 1}},
        SQLITE_DIALECT,
    )
    assert params == [3, 2.5, True, None, "[1, 2]", '{"a": 1}']


def test_bindings_in_comments_are_dropped_but_accepted() -> None:
    sql, params = bind_sql(
        "select 1 -- {{a}}\n/* {{b}} */ + {{c}}", {"a": "x\nDROP", "b": 1, "c": 2}, POSTGRES_DIALECT
    )
    assert sql == "select 1 -- \n/*  */ + %s" and params == [2]


def test_a_binding_cannot_name_a_table_with_prepared_statements() -> None:
    with pytest.raises(BadParameters, match="table or column"):
        bind_sql('select * from "{{t}}"', {"t": "orders"}, POSTGRES_DIALECT)


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (
            POSTGRES_DIALECT,
            "select * from t where a = 'x'' OR ''1''=''1' and b = 'back\\slash' and c = 5 and d = NULL",
        ),
        (
            MYSQL_DIALECT,
            "select * from t where a = 'x'' OR ''1''=''1' and b = 'back\\\\slash' and c = 5 and d = NULL",
        ),
    ],
    ids=["postgres", "mysql"],
)
def test_with_prepared_statements_off_values_are_inlined_as_escaped_literals(
    dialect: Any, expected: str
) -> None:
    sql, params = bind_sql(
        "select * from t where a = '{{a}}' and b = {{b}} and c = {{c}} and d = {{d}}",
        {"a": "x' OR '1'='1", "b": "back\\slash", "c": 5, "d": None},
        dialect,
        prepared=False,
    )
    assert params is None
    assert sql == expected


def test_missing_and_unknown_binding_values_are_refused() -> None:
    with pytest.raises(MissingBinding, match=r"\{\{Input2.text\}\}"):
        bind_sql("select {{Input1.text}}, {{Input2.text}}", {"Input1.text": 1}, POSTGRES_DIALECT)
    with pytest.raises(UnknownBinding, match="Stale"):
        bind_sql("select {{a}}", {"a": 1, "Stale.value": 2}, POSTGRES_DIALECT)


def test_keys_may_be_sent_with_or_without_the_spaces_inside_the_braces() -> None:
    for key in (" Input1.text ", "Input1.text"):
        _, params = bind_sql("select {{ Input1.text }}", {key: "v"}, POSTGRES_DIALECT)
        assert params == ["v"]


def test_http_fields_encode_values_for_where_they_stand() -> None:
    bound = bind_query(
        {
            "path": "/users/{{id}}/files",
            "query_params": [{"key": "q", "value": "{{q}}"}],
            "json_body": '{"name": "{{name}}", "tags": {{tags}}, "n": {{n}}}',
            "variables": "{{vars}}",
        },
        {"path": "url", "query_params": "text", "json_body": "json", "variables": "value"},
        {"id": "a/b?c", "q": "x&y", "name": 'quote " and \\', "tags": ["a"], "n": None, "vars": {"k": 1}},
    )
    assert bound.config["path"] == "/users/a%2Fb%3Fc/files"
    assert bound.config["query_params"] == [{"key": "q", "value": "x&y"}]
    assert json.loads(bound.config["json_body"]) == {"name": 'quote " and \\', "tags": ["a"], "n": None}
    assert bound.config["variables"] == {"k": 1}


def test_a_json_body_that_breaks_after_binding_is_a_clear_error() -> None:
    with pytest.raises(BadParameters, match="not valid once its bindings are filled in"):
        bind_query({"json_body": '{"a": {{x}} {{x}}}'}, {"json_body": "json"}, {"x": 1})


def test_commands_split_into_arguments_without_splitting_values() -> None:
    bound = bind_query(
        {"command": 'HSET "user:{{id}}" name {{name}}'},
        {"command": "command"},
        {"id": 7, "name": 'Ann Lee" x'},
    )
    assert bound.config["command"] == ["HSET", "user:7", "name", 'Ann Lee" x']
