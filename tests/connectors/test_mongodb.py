"""MongoDB (issue 17): bindings are BSON values, never operators or field paths.

No MongoDB server is packaged for these machines (the registry package that starts one downloads
the server at run time, which these machines cannot). The first part needs none: how a bound
query is built, which is the whole of the injection defence. The integration part runs against
the server LOWCRAFT_TEST_MONGODB_URL names and is skipped without it, in CI too.
"""

from __future__ import annotations

from typing import Any

import bson
import pytest

from lowcraft.actions import execute_action
from lowcraft.actions.query_binding import bind_query
from lowcraft.connectors import InstancePolicy, PoolManager
from lowcraft.connectors.errors import BadParameters
from lowcraft.connectors.mongodb import MongodbConnector, MongoQuery, fill, fill_pipeline, parse
from lowcraft.connectors.schema import binding_kinds
from lowcraft.datasources.checks import check_datasource, datasource_structure

KINDS = binding_kinds(MongoQuery)


def bound(field: str, template: str, params: dict[str, Any]) -> tuple[Any, list[Any]]:
    result = bind_query({field: template}, KINDS, params)
    return parse(result.config[field], field), list(result.sql_params or [])


def query(template: str, params: dict[str, Any]) -> Any:
    document, values = bound("filter", template, params)
    return fill(document, values, "query")


# --- offline: where a value stands, it stays a value ----------------------------------------------


def test_an_operator_object_where_a_value_is_expected_stays_a_value() -> None:
    assert query('{"name": {{Input1.text}}}', {"Input1.text": {"$ne": None}}) == {"name": {"$eq": {"$ne": None}}}
    assert query('{"name": {{Input1.text}}}', {"Input1.text": "Ada"}) == {"name": "Ada"}
    # A whole filter from one binding is an object to match, not a query.
    assert query('{"password": {{p}}, "user": {{u}}}', {"p": {"$gt": ""}, "u": "root"}) == {
        "password": {"$eq": {"$gt": ""}}, "user": "root"
    }


def test_values_under_query_operators_are_values() -> None:
    assert query('{"age": {"$gte": {{min}}}, "tag": {"$in": {{tags}}}}', {"min": 18, "tags": ["a", {"$ne": 1}]}) == {
        "age": {"$gte": 18}, "tag": {"$in": ["a", {"$ne": 1}]}
    }
    assert query('{"$or": [{"a": {{x}}}, {"b": 2}]}', {"x": {"$exists": True}}) == {
        "$or": [{"a": {"$eq": {"$exists": True}}}, {"b": 2}]
    }


def test_in_expressions_and_pipelines_a_value_is_literal_never_a_field_path() -> None:
    assert query('{"$expr": {"$eq": ["$owner", {{me}}]}}', {"me": "$password"}) == {
        "$expr": {"$eq": ["$owner", {"$literal": "$password"}]}
    }
    stages, values = bound("pipeline", '[{"$match": {"status": {{s}}}}, {"$project": {"label": {{label}}}}, {"$limit": {{n}}}]',
                           {"s": {"$ne": None}, "label": "$secret", "n": 5})
    assert fill_pipeline(stages, values) == [
        {"$match": {"status": {"$eq": {"$ne": None}}}},
        {"$project": {"label": {"$literal": "$secret"}}},
        {"$limit": 5},
    ]


def test_a_binding_inside_server_side_javascript_is_refused() -> None:
    with pytest.raises(BadParameters, match=r"\$where"):
        query('{"$where": {{code}}}', {"code": "sleep(10000)"})


def test_bindings_inside_strings_are_text_and_extended_json_is_the_templates_own() -> None:
    oid = "5f43a1b2c3d4e5f6a7b8c9d0"
    assert query('{"_id": {"$oid": "{{Table1.selectedRow._id}}"}}', {"Table1.selectedRow._id": oid}) == {
        "_id": bson.ObjectId(oid)
    }
    # A bound value that looks like Extended JSON is an object like any other.
    assert query('{"_id": {{id}}}', {"id": {"$oid": oid}}) == {"_id": {"$eq": {"$oid": oid}}}


@pytest.mark.parametrize(
    ("field", "template", "params", "words"),
    [
        ("filter", '{"a": {{n}}}', {"n": 2**64}, "64-bit"),
        ("filter", '{"a": 1', {}, "not valid"),
        ("pipeline", '{"$match": {}}', {}, "array of stages"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(field: str, template: str, params: dict[str, Any], words: str) -> None:
    with pytest.raises(BadParameters, match=words):
        document, values = bound(field, template, params)
        fill_pipeline(document, values) if field == "pipeline" else fill(document, values, "query")


@pytest.mark.anyio
async def test_an_unreachable_server_and_an_over_wide_delete_get_clear_errors(policy: InstancePolicy) -> None:
    config = {"host": "127.0.0.1", "port": 9, "connect_timeout_seconds": 1}
    wide = await execute_action("mongodb", config, {"operation": "delete", "collection": "orders", "many": True}, {},
                                policy=policy)
    assert wide["error"]["code"] == "bad_parameters" and "filter" in wide["error"]["message"]
    tested = await check_datasource("mongodb", config, policy=policy)
    assert tested["ok"] is False and tested["code"] == "connection_failed", tested


def test_every_connector_takes_sql_or_documents_never_both() -> None:
    kinds = set(binding_kinds(MongoQuery).values())
    assert "document" in kinds and "sql" not in kinds and MongodbConnector.sql_dialect is None


# --- integration: a real MongoDB when LOWCRAFT_TEST_MONGODB_URL is set ----------------------------


@pytest.mark.anyio
async def test_a_real_server_keeps_bound_operators_as_values(
    mongodb_server: dict[str, Any], policy: InstancePolicy, pools: PoolManager
) -> None:
    async def run(q: dict[str, Any], params: dict[str, Any] | None = None) -> Any:
        result = await execute_action("mongodb", mongodb_server, {"collection": "users", **q}, params or {},
                                      policy=policy, pools=pools)
        assert result["isExecutionSuccess"], result
        return result["body"]

    await run({"operation": "insert", "documents": '[{"name": "ada", "role": "admin"}, {"name": {{n}}, "role": "dev"}]'},
              {"n": "alan"})
    assert len(await run({"operation": "find", "filter": '{"name": {{n}}}'}, {"n": {"$ne": None}})) == 0
    assert [u["name"] for u in await run({"operation": "find", "filter": '{"name": {{n}}}'}, {"n": "ada"})] == ["ada"]
    updated = await run({"operation": "update", "filter": '{"name": {{n}}}', "update": '{"$set": {"role": {{r}}}}'},
                        {"n": "alan", "r": "admin"})
    assert updated["modified"] == 1
    assert (await run({"operation": "count", "filter": '{"role": "admin"}'}))["count"] == 2
    assert await run({"operation": "distinct", "field": "role"}) == ["admin"]
    grouped = await run({"operation": "aggregate",
                         "pipeline": '[{"$group": {"_id": "$role", "n": {"$sum": 1}, "tag": {"$first": {{tag}}}}}]'},
                        {"tag": "$name"})
    assert grouped == [{"_id": "admin", "n": 2, "tag": "$name"}]
    structure = await datasource_structure("mongodb", mongodb_server, policy=policy)
    assert [t["name"] for t in structure["tables"]] == ["users"]
    assert (await run({"operation": "delete", "filter": '{"name": {{n}}}', "many": True}, {"n": "ada"}))["deleted"] == 1
