"""How stored queries are rebuilt from binding values, for every binding kind."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lowcraft.actions.query_binding import bind_query
from lowcraft.actions.sql_parameters import bind_sql
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


@pytest.mark.parametrize("dialect", [POSTGRES_DIALECT, MYSQL_DIALECT, SQLITE_DIALECT], ids=lambda d: d.name)
def test_with_prepared_statements_off_each_value_is_written_into_the_sql_as_its_text(dialect: Any) -> None:
    # As in Appsmith: strings as they are (the query holds the quotes), the rest as JSON text.
    sql, params = bind_sql(
        "select * from t where a = '{{a}}' and b = {{b}} and c = {{c}} and d is {{d}} and e = {{e}} and f = {{f}}",
        {"a": "O'Brien", "b": 5, "c": 2.0, "d": None, "e": True, "f": 1.5},
        dialect,
        prepared=False,
    )
    assert params is None
    assert sql == "select * from t where a = 'O'Brien' and b = 5 and c = 2 and d is null and e = true and f = 1.5"


def test_with_prepared_statements_off_sql_built_in_javascript_runs_as_written() -> None:
    rows = "('Ada', 3), ('Alan', 4)"
    sql, _ = bind_sql("insert into {{table}} (name, qty) values {{rows}}", {"table": "people", "rows": rows},
                      POSTGRES_DIALECT, prepared=False)
    assert sql == "insert into people (name, qty) values ('Ada', 3), ('Alan', 4)"
    # Appsmith's usual IN list with prepared statements off: the quotes come from the template.
    sql, _ = bind_sql("select * from t where name in ('{{names}}')", {"names": "a','b"}, MYSQL_DIALECT,
                      prepared=False)
    assert sql == "select * from t where name in ('a','b')"


def test_with_prepared_statements_off_arrays_and_objects_are_json_text_and_percent_signs_stay_single() -> None:
    sql, params = bind_sql(
        "select {{ids}} as ids, '{{obj}}' as obj, '100%' as p -- {{note}}",
        {"ids": [1, "a"], "obj": {"k": "v"}, "note": "kept"},
        POSTGRES_DIALECT,
        prepared=False,
    )
    assert params is None
    assert sql == """select [1,"a"] as ids, '{"k":"v"}' as obj, '100%' as p -- kept"""


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


# --- IN lists -----------------------------------------------------------------------------------

ALL_SQL = [POSTGRES_DIALECT, MYSQL_DIALECT, SQLITE_DIALECT]


@pytest.mark.parametrize(
    "template", ["select * from t where id in {{ids}}", "select * from t where id in ({{ids}})"]
)
@pytest.mark.parametrize("dialect", ALL_SQL, ids=lambda d: d.name)
def test_an_array_after_in_expands_to_one_parameter_per_element(template: str, dialect: Any) -> None:
    sql, params = bind_sql(template, {"ids": [3, "x'); DROP TABLE t; --", None]}, dialect)
    p = dialect.placeholder
    assert sql == f"select * from t where id in ({p}, {p}, {p})"
    assert params == ["3" if dialect.numbers_as_text else 3, "x'); DROP TABLE t; --", None]


EMPTY_SETS = {
    "postgres": "where a = any('{}') and b <> all('{}') and c = any('{}')",
    "mysql": "where a in (select null from dual where false) and b not in (select null from dual where false) "
    "and c IN (select null from dual where false)",
    "sqlite": "where a in () and b not in () and c IN ()",
}


@pytest.mark.parametrize("dialect", ALL_SQL, ids=lambda d: d.name)
def test_an_empty_array_after_in_is_the_empty_set_not_a_syntax_error(dialect: Any) -> None:
    sql, params = bind_sql("where a in {{e}} and b not in {{e}} and c IN ({{e}})", {"e": []}, dialect)
    assert sql == EMPTY_SETS[dialect.name]
    assert params == []


def test_a_single_value_after_in_is_a_list_of_one() -> None:
    sql, params = bind_sql("select * from t where id in {{id}}", {"id": 7}, POSTGRES_DIALECT)
    assert sql == "select * from t where id in (%s)" and params == [7]


def test_an_array_that_shares_its_parentheses_or_stands_elsewhere_stays_one_value() -> None:
    sql, params = bind_sql(
        "select * from t where id in ({{ids}}, 9) and id = any({{ids}}) and tags @> {{ids}} and pin {{ids}}",
        {"ids": [1, 2]},
        POSTGRES_DIALECT,
    )
    assert sql == "select * from t where id in (%s, 9) and id = any(%s) and tags @> %s and pin %s"
    assert params == [[1, 2], [1, 2], [1, 2], [1, 2]]
    _, params = bind_sql("select json_contains({{ids}}, '3')", {"ids": [1, 2]}, MYSQL_DIALECT)
    assert params == ["[1, 2]"]


# --- what the scanner reads as a literal --------------------------------------------------------


def test_a_binding_inside_a_dollar_quote_makes_it_one_text_parameter() -> None:
    sql, params = bind_sql(
        "select $$Hello {{name}}$$ as a, $msg$it's {{name}}$msg$ as b", {"name": "Ann"}, POSTGRES_DIALECT
    )
    assert sql == "select %s as a, %s as b"
    assert params == ["Hello Ann", "it's Ann"]


def test_quotes_and_dollar_signs_inside_dollar_quotes_do_not_hide_later_bindings() -> None:
    sql, params = bind_sql(
        "select $fn$ it's $1 and $$ and 100% $fn$, a$b$c, $1, {{x}}, $$'$$, '{{y}}'",
        {"x": 1, "y": "two"},
        POSTGRES_DIALECT,
    )
    assert sql == "select $fn$ it's $1 and $$ and 100%% $fn$, a$b$c, $1, %s, $$'$$, %s"
    assert params == [1, "two"]


def test_dollar_signs_are_plain_text_where_the_server_has_no_dollar_quotes() -> None:
    for dialect in (MYSQL_DIALECT, SQLITE_DIALECT):
        sql, params = bind_sql("select '$$' as a, {{x}} as b", {"x": "1"}, dialect)
        assert sql == f"select '$$' as a, {dialect.placeholder} as b" and params == ["1"]


def test_a_binding_inside_an_escape_string_makes_it_one_text_parameter() -> None:
    sql, params = bind_sql(r"select E'it\'s\t{{x}}\x41' as a, {{y}}", {"x": "X", "y": 2}, POSTGRES_DIALECT)
    assert sql == "select %s as a, %s" and params == ["it's\tXA", 2]
    sql, _ = bind_sql(r"select E'\'' as a, {{y}}", {"y": 2}, POSTGRES_DIALECT)
    assert sql == r"select E'\'' as a, %s"
    _, params = bind_sql(r"select E'\uD83D\uDE00 \101{{x}}'", {"x": 1}, POSTGRES_DIALECT)
    assert params == ["\U0001f600 A1"]
    with pytest.raises(BadParameters, match="invalid escape"):
        bind_sql(r"select E'\uD83D {{x}}'", {"x": 1}, POSTGRES_DIALECT)


def test_nested_comments_end_at_their_matching_close_on_postgres() -> None:
    sql, params = bind_sql("select 1 /* a /* b */ {{x}} */ + {{y}}", {"x": "*/ 1", "y": 2}, POSTGRES_DIALECT)
    assert sql == "select 1 /* a /* b */  */ + %s" and params == [2]
    sql, params = bind_sql("select 1 /* a /* b */ + {{y}}", {"y": "2"}, MYSQL_DIALECT)
    assert sql == "select 1 /* a /* b */ + %s" and params == ["2"]


def test_mysql_escaped_like_wildcards_stay_escaped_in_the_parameter() -> None:
    _, params = bind_sql(r"select * from t where a like '%\_{{q}}\%'", {"q": "z"}, MYSQL_DIALECT)
    assert params == ["%\\_z\\%"]


def test_an_in_list_beyond_the_servers_parameter_limit_is_a_clear_error() -> None:
    with pytest.raises(BadParameters, match="at most 65535") as refused:
        bind_sql("select 1 where 1 in {{ids}}", {"ids": list(range(70_000))}, POSTGRES_DIALECT)
    assert "any({{ids}})" in refused.value.hint


def test_mysql_numbers_travel_as_text_so_a_json_type_cannot_widen_a_comparison() -> None:
    # MySQL compares `name = 0` as numbers, true for every name not starting with a digit.
    _, params = bind_sql("select * from p where name = {{v}} and ok = {{b}}", {"v": 0, "b": True}, MYSQL_DIALECT)
    assert params == ["0", "1"]


@pytest.mark.parametrize(
    ("template", "values", "counts"),
    [
        ("select * from p limit {{n}} offset {{o}}", {"n": 10, "o": "20"}, [10, 20]),
        ("select * from p limit {{o}}, {{n}}", {"n": 10, "o": 20.0}, [20, 10]),
        ("select * from p limit 5, {{n}}", {"n": 3}, [3]),
        ("select * from p offset {{o}} rows fetch first {{n}} rows only", {"n": 1, "o": 0}, [0, 1]),
    ],
)
def test_mysql_row_counts_are_whole_numbers(
    template: str, values: dict[str, Any], counts: list[int]
) -> None:
    _, params = bind_sql(template, values, MYSQL_DIALECT)
    assert params == counts


@pytest.mark.parametrize("bad", [-1, 1.5, "10; drop table p", True, None, [1]])
def test_mysql_row_counts_refuse_anything_but_a_whole_number(bad: Any) -> None:
    with pytest.raises(BadParameters, match="whole number"):
        bind_sql("select * from p limit {{n}}", {"n": bad}, MYSQL_DIALECT)
