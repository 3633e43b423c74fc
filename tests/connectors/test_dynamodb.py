"""DynamoDB against moto's server, a real HTTP endpoint speaking the DynamoDB API (issue 17).

Keys, items and expression values are JSON documents whose bindings stay values; expressions take
no bindings; a PartiQL statement's bindings become parameters. Reads follow pages up to a limit and
hand back where to continue; bad input fails before anything is written.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, Limits, PoolManager
from lowcraft.datasources.checks import check_datasource, datasource_structure
from tests.connectors.conftest import aws_client
from tests.connectors.servers import ThreadedHttpServer

pytestmark = pytest.mark.anyio


@pytest.fixture
def orders(dynamodb_server: dict[str, Any]) -> Iterator[str]:
    """A fresh `orders` table: partition key `customer` (text), sort key `n` (number)."""
    name = f"orders-{secrets.token_hex(4)}"
    client = aws_client("dynamodb", dynamodb_server)
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "n", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    yield name
    client.delete_table(TableName=name)


@pytest.fixture
def run(dynamodb_server: dict[str, Any], policy: InstancePolicy, pools: PoolManager) -> Any:
    async def run(query: dict[str, Any], params: dict[str, Any] | None = None, limits: Limits | None = None) -> Any:
        return await execute_action(
            "dynamodb", dynamodb_server, query, params or {}, limits or Limits(timeout_seconds=10),
            datasource_id="ds-dynamo", policy=policy, pools=pools,
        )

    return run


def stored(server: dict[str, Any], table: str, customer: str, n: int) -> dict[str, Any] | None:
    item = aws_client("dynamodb", server).get_item(TableName=table, Key={"customer": {"S": customer}, "n": {"N": str(n)}})
    return item.get("Item")


async def test_an_item_is_written_read_updated_and_deleted_with_typed_values(
    run: Any, orders: str, dynamodb_server: dict[str, Any]
) -> None:
    key = '{"customer": {{Input1.text}}, "n": {{Input2.value}}}'
    values = {"Input1.text": "Ada", "Input2.value": 1}
    put = await run(
        {"operation": "put_item", "table": orders,
         "item": '{"customer": {{Input1.text}}, "n": {{Input2.value}}, "total": {{total}}, "lines": {{lines}}, "paid": false}'},
        {**values, "total": 12.5, "lines": [{"sku": "A-1", "qty": 2}]},
    )
    assert put["isExecutionSuccess"], put
    assert stored(dynamodb_server, orders, "Ada", 1)["total"] == {"N": "12.5"}  # type: ignore[index]

    got = await run({"operation": "get_item", "table": orders, "key": key}, values)
    assert got["body"] == {"customer": "Ada", "n": 1, "total": 12.5, "lines": [{"sku": "A-1", "qty": 2}], "paid": False}

    updated = await run(
        {"operation": "update_item", "table": orders, "key": key,
         "update_expression": "SET #s = :status, paid = :paid",
         "expression_names": '{"#s": "status"}',
         "expression_values": '{":status": {{Select1.selectedOptionValue}}, ":paid": true}'},
        {**values, "Select1.selectedOptionValue": "shipped"},
    )
    assert updated["body"]["status"] == "shipped" and updated["body"]["paid"] is True, updated

    deleted = await run({"operation": "delete_item", "table": orders, "key": key}, values)
    assert deleted["body"]["status"] == "shipped"
    assert stored(dynamodb_server, orders, "Ada", 1) is None
    missing = await run({"operation": "get_item", "table": orders, "key": key}, values)
    assert missing["isExecutionSuccess"] and missing["body"] is None


async def test_a_binding_is_a_value_never_part_of_an_expression(run: Any, orders: str, dynamodb_server: dict[str, Any]) -> None:
    await run({"operation": "put_item", "table": orders, "item": '{"customer": "Ada", "n": 1, "status": "open"}'})
    # A value that reads like an expression is compared as text: nothing matches it.
    sneaky = await run(
        {"operation": "query", "table": orders, "key_condition_expression": "customer = :c",
         "filter_expression": "#s = :status", "expression_names": '{"#s": "status"}',
         "expression_values": '{":c": "Ada", ":status": {{Input1.text}}}'},
        {"Input1.text": "open OR attribute_exists(customer)"},
    )
    assert sneaky["isExecutionSuccess"] and sneaky["body"] == [], sneaky

    # A binding written into an expression's text is refused before anything is sent.
    refused = await run(
        {"operation": "update_item", "table": orders, "key": '{"customer": "Ada", "n": 1}',
         "update_expression": "SET #s = {{Input1.text}}", "expression_names": '{"#s": "status"}'},
        {"Input1.text": "'closed'"},
    )
    assert refused["error"]["code"] == "bad_parameters", refused
    assert "expression" in refused["error"]["message"]
    assert stored(dynamodb_server, orders, "Ada", 1)["status"] == {"S": "open"}  # type: ignore[index]


async def test_query_and_scan_follow_pages_up_to_the_limit_and_say_where_to_continue(run: Any, orders: str) -> None:
    for n in range(25):
        await run({"operation": "put_item", "table": orders, "item": '{"customer": "Ada", "n": {{n}}, "odd": {{odd}}}'},
                  {"n": n, "odd": n % 2 == 1})
    query = {"operation": "query", "table": orders, "key_condition_expression": "customer = :c",
             "expression_values": '{":c": {{Input1.text}}}', "limit": 10}
    first = await run(query, {"Input1.text": "Ada"})
    assert [i["n"] for i in first["body"]] == list(range(10)), first
    assert first["rowCount"] == 10
    start = first["headers"]["x-last-evaluated-key"]
    assert json.loads(start) == {"customer": "Ada", "n": 9}

    second = await run({**query, "start_key": "{{Table1.nextKey}}"}, {"Input1.text": "Ada", "Table1.nextKey": start})
    assert [i["n"] for i in second["body"]] == list(range(10, 20)), second

    newest = await run({**query, "scan_forward": False, "limit": 3}, {"Input1.text": "Ada"})
    assert [i["n"] for i in newest["body"]] == [24, 23, 22]

    scanned = await run({"operation": "scan", "table": orders, "filter_expression": "odd = :yes",
                         "expression_values": '{":yes": true}'})
    assert sorted(i["n"] for i in scanned["body"]) == list(range(1, 25, 2)), scanned
    assert "x-last-evaluated-key" not in scanned["headers"]


async def test_batch_get_and_partiql_take_their_values_as_parameters(run: Any, orders: str) -> None:
    for n, customer in enumerate(["Ada", "Alan", "Grace"]):
        await run({"operation": "put_item", "table": orders, "item": json.dumps({"customer": customer, "n": n})})
    batch = await run({"operation": "batch_get", "table": orders, "keys": "{{keys}}"},
                      {"keys": [{"customer": "Ada", "n": 0}, {"customer": "Grace", "n": 2}, {"customer": "Nobody", "n": 9}]})
    assert sorted(i["customer"] for i in batch["body"]) == ["Ada", "Grace"], batch

    statement = f'SELECT * FROM "{orders}" WHERE customer = {{{{Input1.text}}}}'
    found = await run({"operation": "execute_statement", "statement": statement}, {"Input1.text": "Alan"})
    assert found["body"] == [{"customer": "Alan", "n": 1}], found
    assert found["request"]["parameters"] == ["Alan"] and "?" in found["request"]["statement"]
    injected = await run({"operation": "execute_statement", "statement": statement}, {"Input1.text": "x' OR customer <> '"})
    assert injected["isExecutionSuccess"] and injected["body"] == [], injected


async def test_the_structure_lists_tables_with_their_key_schemas(
    orders: str, dynamodb_server: dict[str, Any], policy: InstancePolicy
) -> None:
    structure = await datasource_structure("dynamodb", dynamodb_server, policy=policy)
    table = next(t for t in structure["tables"] if t["name"] == orders)
    assert table["primaryKey"] == ["customer", "n"]
    assert [(c["name"], c["type"]) for c in table["columns"]] == [("customer", "string"), ("n", "number")]


@pytest.mark.parametrize(
    ("query", "params", "code", "words"),
    [
        ({"operation": "put_item", "item": '{"customer": "Ada", "n": {{n}}}'}, {"n": "one"}, "query_failed", "Type mismatch"),
        ({"operation": "get_item", "key": "{{key}}"}, {"key": [1, 2]}, "bad_parameters", "JSON object"),
        ({"operation": "get_item", "key": ""}, {}, "bad_parameters", "needs the key"),
        ({"operation": "put_item", "item": '{"customer": "Ada", "n": 1', "key": ""}, {}, "bad_parameters", "not valid"),
        ({"operation": "batch_get", "keys": "{{keys}}"}, {"keys": [{"customer": "Ada", "n": i} for i in range(101)]},
         "bad_parameters", "at most 100"),
        ({"operation": "query", "key_condition_expression": ""}, {}, "bad_parameters", "key condition"),
        ({"operation": "put_item", "item": '{"customer": "Ada", "n": 1}', "condition_expression": "attribute_exists(customer)"},
         {}, "query_failed", "condition"),
    ],
)
async def test_bad_input_gets_a_clear_error_and_writes_nothing(
    run: Any, orders: str, dynamodb_server: dict[str, Any], query: dict[str, Any], params: dict[str, Any],
    code: str, words: str,
) -> None:
    result = await run({"table": orders, **query}, params)
    assert result["isExecutionSuccess"] is False
    assert result["error"]["code"] == code, result
    assert words in result["error"]["message"], result
    assert aws_client("dynamodb", dynamodb_server).scan(TableName=orders)["Items"] == []


async def test_an_unknown_table_is_named_in_the_error(run: Any) -> None:
    result = await run({"operation": "scan", "table": "no-such-table"})
    assert result["error"]["code"] == "query_failed"
    assert "no such table" in result["error"]["message"]


async def test_a_result_over_the_size_cap_returns_nothing(run: Any, orders: str) -> None:
    for n in range(5):
        await run({"operation": "put_item", "table": orders, "item": '{"customer": "Ada", "n": {{n}}, "text": {{t}}}'},
                  {"n": n, "t": "x" * 4000})
    result = await run({"operation": "scan", "table": orders}, limits=Limits(max_response_bytes=10_000))
    assert result["error"]["code"] == "response_too_large", result
    assert result["body"] is None


async def denied(request: Request) -> Response:
    # What DynamoDB answers a request signed with an unknown access key.
    return JSONResponse(
        {"__type": "com.amazon.coral.service#UnrecognizedClientException",
         "message": "The security token included in the request is invalid."},
        status_code=400, media_type="application/x-amz-json-1.0",
    )


@pytest.fixture(scope="module")
def refusing_endpoint() -> Iterator[str]:
    server = ThreadedHttpServer(Starlette(routes=[Route("/", denied, methods=["POST"])]))
    yield server.start()
    server.stop()


async def test_wrong_credentials_are_reported_as_such(refusing_endpoint: str, policy: InstancePolicy) -> None:
    config = {"endpoint_url": refusing_endpoint, "access_key_id": "AKIAWRONG", "secret_access_key": "nope"}
    tested = await check_datasource("dynamodb", config, policy=policy)
    assert tested["ok"] is False and tested["code"] == "auth_failed", tested
    assert "security token" in tested["message"]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"access_key_id": "", "secret_access_key": "x"}, "access_key_id"),
        ({"access_key_id": "a"}, "secret_access_key"),
        ({"access_key_id": "a", "secret_access_key": "x", "region": "us-east-1/../../x"}, "region"),
    ],
)
async def test_an_incomplete_connection_is_refused_by_name(
    config: dict[str, Any], field: str, policy: InstancePolicy
) -> None:
    tested = await check_datasource("dynamodb", config, policy=policy)
    assert tested["code"] == "bad_parameters" and field in tested["message"], tested
    assert "hunter2" not in json.dumps(tested)
