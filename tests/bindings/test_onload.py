"""The on-load plan: which actions run when a page opens, in dependency order and batches."""

from __future__ import annotations

from lowcraft.bindings import AppGraph, on_load_plan
from tests.bindings.apps import action, app, js_object, page, widget


def plan(*pages: dict) -> list[list[str]]:  # type: ignore[type-arg]
    graph = AppGraph.build(app(*pages))
    return [list(batch) for batch in on_load_plan(graph, 0).batches]


def test_an_action_with_the_flag_runs_on_load() -> None:
    assert plan(page("P", [], [action("a", run_on_load=True), action("b")])) == [["a"]]


def test_an_action_read_by_a_widget_data_binding_runs_on_load() -> None:
    widgets = [widget("Table1", "TABLE_WIDGET_V2", tableData="{{getOrders.data}}")]
    assert plan(page("P", widgets, [action("getOrders")])) == [["getOrders"]]


def test_an_action_only_triggered_by_events_does_not_run_on_load() -> None:
    widgets = [
        widget("Button1", "BUTTON_WIDGET", onClick="{{save.run().then(() => showAlert(save.data.id))}}"),
        widget("Text1", text="{{refresh.run}}"),
    ]
    assert plan(page("P", widgets, [action("save"), action("refresh")])) == []


def test_reads_through_a_js_object_function_count() -> None:
    widgets = [widget("Text1", text="{{Utils.count()}}")]
    body = (
        "export default {\n  count() { return getOrders.data.length },\n  later() { return other.data },\n}"
    )
    assert plan(page("P", widgets, [action("getOrders"), action("other")], [js_object("Utils", body)])) == [
        ["getOrders"]
    ]


def test_actions_run_after_the_actions_their_config_reads_and_independent_ones_share_a_batch() -> None:
    widgets = [widget("Table1", "TABLE_WIDGET_V2", tableData="{{orders.data}}")]
    actions = [
        action("orders", "select * from o where c = {{customers.data[0].id}} and r = {{regions.data.id}}"),
        action("customers", "select * from c where r = {{regions.data.id}}"),
        action("regions", run_on_load=True),
        action("audit", run_on_load=True),
    ]
    graph = AppGraph.build(app(page("P", widgets, actions)))
    result = on_load_plan(graph, 0)
    assert [list(b) for b in result.batches] == [["audit", "regions"], ["customers"], ["orders"]]
    assert result.reasons == {
        "audit": "runOnPageLoad",
        "regions": "runOnPageLoad",
        "orders": "Table1.tableData",
        "customers": "orders.config",
    }


def test_actions_whose_configs_read_each_other_end_up_in_a_last_batch() -> None:
    widgets = [widget("Text1", text="{{a.data}}")]
    actions = [
        action("a", "select {{b.data}}"),
        action("b", "select {{a.data}}"),
        action("c", run_on_load=True),
    ]
    result = on_load_plan(AppGraph.build(app(page("P", widgets, actions))), 0)
    assert [list(x) for x in result.batches] == [["c"], ["a", "b"]]
    assert result.cyclic == ("a", "b")


def test_each_page_has_its_own_plan() -> None:
    first = page("One", [widget("Text1", text="{{q1.data}}")], [action("q1")])
    second = page(
        "Two", [widget("Text2", text="{{q2.data}}")], [action("q2"), action("q3", run_on_load=True)]
    )
    document = app(first, second)
    assert on_load_plan(AppGraph.build(document, page=0)).actions == ["q1"]
    assert on_load_plan(AppGraph.build(document, page=1)).actions == ["q2", "q3"]
    assert on_load_plan(AppGraph.build(document, page=1)).to_dict()["batches"] == [["q2", "q3"]]


def test_pages_reusing_a_name_each_load_their_own_action() -> None:
    first = page("One", [widget("Table1", "TABLE_WIDGET_V2", tableData="{{getOrders.data}}")], [action("getOrders")])
    second = page("Two", [widget("Table1", "TABLE_WIDGET_V2", tableData="[]")], [action("getOrders")])
    document = app(first, second)
    assert on_load_plan(AppGraph.build(document, page=0)).reasons == {"getOrders": "Table1.tableData"}
    assert on_load_plan(AppGraph.build(document, page=1)).actions == []
