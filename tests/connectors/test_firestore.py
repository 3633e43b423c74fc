"""Google Firestore against the Firestore emulator of the machine's Google Cloud CLI (issue 17).

Documents are added, set, updated, read and deleted; queries filter, order and limit; bound values
are Firestore values, never operators or field paths.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy
from lowcraft.datasources.checks import check_datasource, datasource_structure

pytestmark = pytest.mark.anyio


@pytest.fixture
def collection() -> str:
    return f"orders_{secrets.token_hex(4)}"


async def run(server: dict[str, Any], query: dict[str, Any], params: dict[str, Any] | None = None,
              policy: InstancePolicy | None = None) -> Any:
    return await execute_action("firestore", server, query, params or {}, policy=policy or InstancePolicy(allow_loopback=True))


async def test_documents_are_written_read_queried_and_deleted(firestore_server: dict[str, Any], collection: str) -> None:
    for customer, total, status in [("Ada", 12.5, "open"), ("Alan", 7, "shipped"), ("Grace", 30, "open")]:
        done = await run(firestore_server, {"operation": "set", "collection": collection, "document_id": "{{id}}",
                                            "data": '{"customer": {{c}}, "total": {{t}}, "status": {{s}}, "tags": ["a"]}'},
                         {"id": customer.lower(), "c": customer, "t": total, "s": status})
        assert done["isExecutionSuccess"], done["error"]
    got = await run(firestore_server, {"operation": "get", "collection": collection, "document_id": "ada"})
    assert got["body"]["customer"] == "Ada" and got["body"]["total"] == 12.5 and got["body"]["tags"] == ["a"]
    assert got["body"]["_id"] == "ada"

    open_orders = await run(firestore_server, {"operation": "query", "collection": collection,
                                               "where": '[["status", "==", {{s}}]]', "order_by": "total", "descending": True},
                            {"s": "open"})
    assert [d["customer"] for d in open_orders["body"]] == ["Grace", "Ada"], open_orders
    limited = await run(firestore_server, {"operation": "query", "collection": collection, "order_by": "total", "limit": 1})
    assert [d["customer"] for d in limited["body"]] == ["Alan"]

    updated = await run(firestore_server, {"operation": "update", "collection": collection, "document_id": "alan",
                                           "data": '{"status": {{s}}}'}, {"s": "returned"})
    assert updated["body"]["status"] == "returned" and updated["body"]["customer"] == "Alan", updated

    added = await run(firestore_server, {"operation": "add", "collection": collection, "data": '{"customer": "Linus"}'})
    assert added["isExecutionSuccess"] and added["body"]["_id"], added

    deleted = await run(firestore_server, {"operation": "delete", "collection": collection, "document_id": "ada"})
    assert deleted["isExecutionSuccess"]
    gone = await run(firestore_server, {"operation": "get", "collection": collection, "document_id": "ada"})
    assert gone["isExecutionSuccess"] and gone["body"] is None


async def test_a_bound_value_stays_a_value(firestore_server: dict[str, Any], collection: str) -> None:
    await run(firestore_server, {"operation": "set", "collection": collection, "document_id": "ada",
                                 "data": '{"name": "Ada", "role": "admin"}'})
    for sneaky in ['Ada", "!=", "', {"!=": None}, ["Ada"]]:
        found = await run(firestore_server, {"operation": "query", "collection": collection,
                                             "where": '[["name", "==", {{n}}]]'}, {"n": sneaky})
        assert found["isExecutionSuccess"] and found["body"] == [], (sneaky, found)


@pytest.mark.parametrize(
    ("query", "params", "code", "words"),
    [
        ({"operation": "update", "document_id": "nobody", "data": '{"a": 1}'}, {}, "query_failed", "404"),
        ({"operation": "query", "where": '[["a", "LIKE", 1]]'}, {}, "bad_parameters", "no Firestore operator"),
        ({"operation": "query", "where": '[["a", "in", {{v}}]]'}, {"v": 3}, "bad_parameters", "takes an array"),
        ({"operation": "set", "document_id": "x", "data": "{{d}}"}, {"d": [1]}, "bad_parameters", "JSON object"),
        ({"operation": "get", "document_id": "a/b"}, {}, "bad_parameters", "no slash"),
        ({"operation": "get", "document_id": ""}, {}, "bad_parameters", "needs a document ID"),
        ({"operation": "query", "order_by": "{{f}}"}, {"f": "total"}, "bad_parameters", "cannot stand"),
    ],
)
async def test_bad_input_gets_a_clear_error_and_writes_nothing(
    firestore_server: dict[str, Any], collection: str, query: dict[str, Any], params: dict[str, Any], code: str, words: str
) -> None:
    result = await run(firestore_server, {"collection": collection, **query}, params)
    assert result["error"]["code"] == code, result
    assert words in result["error"]["message"], result
    listed = await run(firestore_server, {"operation": "query", "collection": collection})
    assert listed["body"] == []


async def test_test_and_structure(firestore_server: dict[str, Any], collection: str, policy: InstancePolicy) -> None:
    await run(firestore_server, {"operation": "set", "collection": collection, "document_id": "a", "data": '{"x": 1}'})
    tested = await check_datasource("firestore", firestore_server, policy=policy)
    assert tested["ok"], tested
    structure = await datasource_structure("firestore", firestore_server, policy=policy)
    assert collection in [t["name"] for t in structure["tables"]]
    keyless = await check_datasource("firestore", {**firestore_server, "emulator": False}, policy=policy)
    assert keyless["code"] == "bad_parameters" and "key" in keyless["message"], keyless
