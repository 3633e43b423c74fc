"""Two Yjs clients (pycrdt over real WebSockets) edit one application at once through one server:
they converge, the store ends equal to the shared state, offline edits merge on reconnect, and
changes made through the REST API reach the open editors."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from pycrdt import Map, Text

from lowcraft.realtime.layout import read_doc
from tests.realtime.conftest import RealtimeServer
from tests.realtime.yclient import YClient, ws_url


async def eventually(check: Callable[[], bool], timeout: float = 8.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what or check}"
        await asyncio.sleep(0.02)


@asynccontextmanager
async def two_editors(server: RealtimeServer, application: dict[str, Any]) -> AsyncIterator[tuple[YClient, YClient]]:
    url = ws_url(server.url, f"edit:{application['id']}")
    one = await YClient(url, cookie=server.cookies["developer"], origin=server.url).connect()
    two = await YClient(url, cookie=server.cookies["admin"], origin=server.url).connect()
    await one.wait_synced()
    await two.wait_synced()
    try:
        yield one, two
    finally:
        await one.close()
        await two.close()


async def converged(one: YClient, two: YClient) -> dict[str, Any]:
    await eventually(lambda: one.json() == two.json(), what="the two documents to converge")
    return one.json()


def stored_page(server: RealtimeServer, application: dict[str, Any]) -> dict[str, Any]:
    page: dict[str, Any] = server.client("admin").get(f"/api/v1/pages/{application['page']}").json()
    return page


async def stored_equals_shared(server: RealtimeServer, application: dict[str, Any], client: YClient) -> None:
    """Wait for the fold: the page, the query and the JS object in the store equal the shared state."""
    def same() -> bool:
        shared = read_doc(client.doc)
        admin = server.client("admin")
        action = admin.get(f"/api/v1/actions/{application['action']}").json()
        js = admin.get(f"/api/v1/js-objects/{application['js']}").json()
        return (stored_page(server, application)["dsl"] == shared.pages[application["page"]]["dsl"]
                and action["config"] == shared.actions[application["action"]]["config"]
                and action["name"] == shared.actions[application["action"]]["name"]
                and js["body"] == shared.js_objects[application["js"]]["body"])

    await eventually(lambda: same(), what="the store to equal the shared state")


def widget(client: YClient, application: dict[str, Any], widget_id: str) -> Map[Any]:
    return client.widget(application["page"], widget_id)


def test_the_server_seeds_the_document_from_the_store(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def run() -> None:
        async with two_editors(server, application) as (one, _):
            shared = one.json()
            page = shared["pages"][application["page"]]
            assert page["name"] == "Page1" and page["rootId"] == "0"
            assert page["tree"]["0"]["children"] == ["w1", "w2"]
            assert page["tree"]["w1"]["text"] == "Orders"
            assert shared["actions"][application["action"]] == {
                "name": "getOrders", "pageId": application["page"], "config": {"sql": "select * from orders"}}
            assert isinstance(one.doc.get("actions", type=Map)[application["action"]]["config"]["sql"], Text)
            assert shared["jsObjects"][application["js"]]["name"] == "Utils"
            assert read_doc(one.doc).pages[application["page"]]["dsl"] == stored_page(server, application)["dsl"]

    asyncio.run(run())


def test_different_widgets_and_different_properties_both_keep_their_changes(
    server: RealtimeServer, application: dict[str, Any]
) -> None:
    async def run() -> None:
        async with two_editors(server, application) as (one, two):
            # Made before either hears of the other's: concurrent.
            widget(one, application, "w1")["text"] = "Open orders"
            widget(two, application, "w2")["topRow"] = 20
            widget(one, application, "w2")["textColor"] = "#ff0000"
            widget(two, application, "w2")["bottomRow"] = 30
            shared = await converged(one, two)
            tree = shared["pages"][application["page"]]["tree"]
            assert tree["w1"]["text"] == "Open orders"
            assert (tree["w2"]["topRow"], tree["w2"]["bottomRow"], tree["w2"]["textColor"]) == (20, 30, "#ff0000")
            await stored_equals_shared(server, application, one)
        assert not any(t["type"] == "invalid" for t in one.texts + two.texts)

    asyncio.run(run())


def test_the_same_property_converges_to_one_value_everywhere(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def run() -> None:
        async with two_editors(server, application) as (one, two):
            widget(one, application, "w1")["text"] = "From one"
            widget(two, application, "w1")["text"] = "From two"
            shared = await converged(one, two)
            assert shared["pages"][application["page"]]["tree"]["w1"]["text"] in ("From one", "From two")
            await stored_equals_shared(server, application, two)

    asyncio.run(run())


def test_the_same_sql_and_js_text_merge_character_by_character(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def run() -> None:
        async with two_editors(server, application) as (one, two):
            sql_one = one.doc.get("actions", type=Map)[application["action"]]["config"]["sql"]
            sql_two = two.doc.get("actions", type=Map)[application["action"]]["config"]["sql"]
            sql_one += " where total > 10"
            sql_two.insert(0, "/* open */ ")
            body_one = one.doc.get("jsObjects", type=Map)[application["js"]]["body"]
            body_two = two.doc.get("jsObjects", type=Map)[application["js"]]["body"]
            body_one.insert(len("export default { "), "triple(x) { return x * 3 }, ")
            body_two += "\n// shared"
            shared = await converged(one, two)
            assert shared["actions"][application["action"]]["config"]["sql"] == "/* open */ select * from orders where total > 10"
            assert shared["jsObjects"][application["js"]]["body"] == (
                "export default { triple(x) { return x * 3 }, double(x) { return x * 2 } }\n// shared")
            await stored_equals_shared(server, application, one)

    asyncio.run(run())


def test_the_same_binding_typed_at_once_merges_and_is_stored(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def run() -> None:
        async with two_editors(server, application) as (one, two):
            # A code field focused: the binding becomes a text (as the browser makes it).
            widget(one, application, "w2")["text"] = Text("{{getOrders.data.length}}")
            await eventually(lambda: isinstance(widget(two, application, "w2")["text"], Text), what="the text to reach two")
            widget(one, application, "w2")["text"].insert(len("{{getOrders.data.length"), " * 2")
            widget(two, application, "w2")["text"].insert(0, "Total: ")
            shared = await converged(one, two)
            assert shared["pages"][application["page"]]["tree"]["w2"]["text"] == "Total: {{getOrders.data.length * 2}}"
            await stored_equals_shared(server, application, two)
            assert stored_page(server, application)["dsl"]["children"][1]["text"] == "Total: {{getOrders.data.length * 2}}"
            # A rename through REST rewrites the binding inside the text the editors are bound to.
            text = widget(two, application, "w2")["text"]
            answer = await asyncio.to_thread(
                server.client("developer").post, f"/api/v1/applications/{application['id']}/refactor",
                json={"old": "getOrders", "new": "fetchOrders", "pageId": application["page"]})
            assert answer.status_code == 200, answer.text
            await eventually(lambda: str(text) == "Total: {{fetchOrders.data.length * 2}}", what="the rename in the text")
            assert isinstance(widget(one, application, "w2")["text"], Text)

    asyncio.run(run())


def test_edits_made_offline_merge_on_reconnect(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def run() -> None:
        async with two_editors(server, application) as (one, two):
            await two.go_offline()
            widget(two, application, "w2")["text"] = "offline edit"
            two.doc.get("actions", type=Map)[application["action"]]["config"]["sql"].insert(0, "-- offline\n")
            widget(one, application, "w1")["text"] = "online edit"
            await asyncio.sleep(0.8)  # the online edit is folded meanwhile
            assert widget(two, application, "w1")["text"] == "Orders"
            await two.reconnect()
            shared = await converged(one, two)
            tree = shared["pages"][application["page"]]["tree"]
            assert (tree["w1"]["text"], tree["w2"]["text"]) == ("online edit", "offline edit")
            assert shared["actions"][application["action"]]["config"]["sql"] == "-- offline\nselect * from orders"
            await stored_equals_shared(server, application, one)

    asyncio.run(run())


def test_a_rest_rename_reaches_the_open_editors(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def run() -> None:
        async with two_editors(server, application) as (one, two):
            answer = await asyncio.to_thread(
                server.client("developer").post, f"/api/v1/applications/{application['id']}/refactor",
                json={"old": "getOrders", "new": "fetchOrders", "pageId": application["page"]})
            assert answer.status_code == 200, answer.text
            await eventually(lambda: one.json()["actions"][application["action"]]["name"] == "fetchOrders")
            shared = await converged(one, two)
            assert shared["pages"][application["page"]]["tree"]["w2"]["text"] == "{{fetchOrders.data.length}}"
            await eventually(lambda: any(t == {"type": "reloaded", "reason": "refactor"} for t in two.texts))
            # A page saved through REST reaches them too.
            page = stored_page(server, application)
            page["dsl"]["children"][0]["text"] = "Saved through REST"
            saved = await asyncio.to_thread(server.client("admin").put, f"/api/v1/pages/{application['page']}/dsl",
                                            json={"dsl": page["dsl"], "revision": page["revision"]})
            assert saved.status_code == 200, saved.text
            await eventually(lambda: widget(two, application, "w1")["text"] == "Saved through REST")

    asyncio.run(run())


def test_a_rename_in_the_document_is_a_refactor_that_comes_back(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def run() -> None:
        async with two_editors(server, application) as (one, two):
            one.doc.get("actions", type=Map)[application["action"]]["name"] = "loadOrders"
            await eventually(lambda: widget(two, application, "w2")["text"] == "{{loadOrders.data.length}}",
                             what="the rewritten reference")
            action = server.client("admin").get(f"/api/v1/actions/{application['action']}").json()
            assert action["name"] == "loadOrders"
            await stored_equals_shared(server, application, one)

    asyncio.run(run())


def test_a_state_the_store_refuses_is_reported_and_not_written(server: RealtimeServer, application: dict[str, Any]) -> None:
    async def run() -> None:
        async with two_editors(server, application) as (one, two):
            before = stored_page(server, application)
            widget(one, application, "w2")["widgetName"] = "Title"  # the name of w1
            await eventually(lambda: any(t["type"] == "invalid" for t in two.texts), what="an invalid notice")
            await asyncio.sleep(0.5)
            assert stored_page(server, application)["revision"] == before["revision"]
            widget(two, application, "w2")["widgetName"] = "Total2"  # valid again: stored at the next fold
            await stored_equals_shared(server, application, one)

    asyncio.run(run())


def test_pages_queries_and_js_objects_made_or_removed_through_rest_appear_and_vanish(
    server: RealtimeServer, application: dict[str, Any]
) -> None:
    admin = server.client("admin")

    async def run() -> None:
        async with two_editors(server, application) as (one, two):
            page = (await asyncio.to_thread(admin.post, f"/api/v1/applications/{application['id']}/pages",
                                            json={"name": "Details"})).json()
            await eventually(lambda: page["id"] in two.json()["pages"], what="the new page")
            assert two.json()["pages"][page["id"]]["name"] == "Details"
            assert two.json()["pages"][page["id"]]["tree"]["0"]["children"] == []
            renamed = await asyncio.to_thread(admin.patch, f"/api/v1/pages/{page['id']}", json={"name": "Order details"})
            assert renamed.status_code == 200
            await eventually(lambda: two.json()["pages"][page["id"]]["name"] == "Order details")
            js = (await asyncio.to_thread(admin.post, f"/api/v1/applications/{application['id']}/js-objects",
                                          json={"pageId": page["id"], "name": "Helpers", "body": "export default {}"})).json()
            await eventually(lambda: js["id"] in one.json()["jsObjects"], what="the new JS object")
            assert isinstance(one.doc.get("jsObjects", type=Map)[js["id"]]["body"], Text)
            # The new page is shared like the first: an edit there is stored.
            one.page(page["id"])["tree"]["0"]["bottomRow"] = 250
            await eventually(lambda: admin.get(f"/api/v1/pages/{page['id']}").json()["dsl"]["bottomRow"] == 250,
                             what="the edit on the new page stored")
            assert (await asyncio.to_thread(admin.delete, f"/api/v1/pages/{page['id']}")).status_code == 204
            await eventually(lambda: page["id"] not in two.json()["pages"] and js["id"] not in two.json()["jsObjects"],
                             what="the page and its JS object gone")
            await converged(one, two)

    asyncio.run(run())


def test_each_fold_answers_saved_with_the_revision_and_the_lint_of_the_page(
    server: RealtimeServer, application: dict[str, Any]
) -> None:
    async def run() -> None:
        async with two_editors(server, application) as (one, two):
            widget(one, application, "w1")["text"] = "{{NoSuchWidget.text}}"
            await stored_equals_shared(server, application, one)
            await eventually(lambda: any(t["type"] == "saved" and t["revisions"] for t in two.texts), what="saved")
            saved = next(t for t in two.texts if t["type"] == "saved" and t["revisions"])
            assert saved["revisions"] == {application["page"]: stored_page(server, application)["revision"]}
            found = saved["diagnostics"][application["page"]]
            assert any("NoSuchWidget" in d["message"] for d in found), found

    asyncio.run(run())
