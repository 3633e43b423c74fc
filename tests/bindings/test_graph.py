"""The application graph: what reads what, cycles with their path, incremental re-analysis."""

from __future__ import annotations

import random

import pytest

from lowcraft.bindings import AppGraph, Cycle, NodeRole, page_graphs
from tests.bindings.apps import action, app, js_object, page, widget


def orders_app() -> dict:  # type: ignore[type-arg]
    return app(
        page(
            "Orders",
            [
                widget(
                    "Table1",
                    "TABLE_WIDGET_V2",
                    tableData="{{getOrders.data}}",
                    onRowSelected="{{getDetails.run()}}",
                ),
                widget("Text1", text="{{Utils.total(Table1.selectedRow)}} of {{Table1.tableData.length}}"),
                widget(
                    "Table2", "TABLE_WIDGET_V2", primaryColumns={"name": {"computedValue": "{{Input1.text}}"}}
                ),
                widget("Input1", "INPUT_WIDGET_V2", defaultText="{{JSON.stringify(Table2)}}"),
            ],
            [action("getOrders", "select * from o where s = {{Input1.text}}"), action("getDetails")],
            [
                js_object(
                    "Utils",
                    "export default {\n  rate: 2,\n  total(r) { return this.rate * r.x + getOrders.data.length },\n}",
                )
            ],
        )
    )


def test_edges_go_from_each_bound_property_to_what_it_reads() -> None:
    graph = AppGraph.build(orders_app())
    assert graph.reads("Table1.tableData") == {"getOrders.data"}
    assert graph.reads("Text1.text") == {"Utils.total", "Table1.selectedRow", "Table1.tableData"}
    assert graph.reads("getOrders.config.sql") == {"Input1.text"}
    assert graph.nodes["getOrders.data"].role is NodeRole.VALUE


def test_js_object_functions_are_nodes_and_this_resolves_to_the_object() -> None:
    graph = AppGraph.build(orders_app())
    assert graph.nodes["Utils.total"].role is NodeRole.MEMBER
    assert graph.reads("Utils.total") == {"Utils.rate", "getOrders.data"}
    assert graph.reads("Utils") == {"Utils.rate", "Utils.total"}


def test_a_whole_entity_read_depends_on_all_its_properties_also_nested_ones() -> None:
    graph = AppGraph.build(orders_app())
    assert graph.reads("Input1.defaultText") == {"Table2"}
    assert "Table2.primaryColumns.name.computedValue" in graph.dependents("Input1.text")
    assert "Input1.defaultText" in graph.dependents("Input1.text")


def test_dependents_are_what_must_be_re_evaluated_when_a_value_changes() -> None:
    graph = AppGraph.build(orders_app())
    assert {"Table1.tableData", "Utils.total", "Text1.text"} <= graph.dependents("getOrders.data")
    assert "Table1.onRowSelected" not in graph.dependents("getOrders.data")


def test_no_cycle_in_a_sound_app() -> None:
    assert AppGraph.build(orders_app()).cycles() == []


def test_a_cycle_is_reported_with_its_path() -> None:
    graph = AppGraph.build(
        app(
            page(
                "P",
                [
                    widget("Text1", text="{{Text2.text}}"),
                    widget("Text2", text="{{Text3.text + 1}}"),
                    widget("Text3", text="{{Text1.text}}"),
                    widget("Text4", text="{{Text1.text}}"),
                ],
            )
        )
    )
    assert graph.cycles() == [Cycle(("Text1.text", "Text2.text", "Text3.text", "Text1.text"))]
    assert "Text4.text" not in graph.cyclic_nodes()


def test_a_property_reading_itself_is_a_cycle() -> None:
    graph = AppGraph.build(app(page("P", [widget("Text1", text="{{Text1.text + '!'}}")])))
    assert [str(c) for c in graph.cycles()] == ["Text1.text -> Text1.text"]


def test_recursive_js_functions_are_not_a_cycle_but_a_value_loop_through_them_is() -> None:
    body = "export default {\n  fact(n) { return n < 2 ? 1 : n * this.fact(n - 1) },\n  even(n) { return n ? this.odd(n - 1) : true },\n  odd(n) { return n ? this.even(n - 1) : false },\n}"
    graph = AppGraph.build(
        app(page("P", [widget("Text1", text="{{Utils.fact(3)}}")], js=[js_object("Utils", body)]))
    )
    assert graph.cycles() == []
    looped = AppGraph.build(
        app(
            page(
                "P",
                [widget("Text1", text="{{Utils.show()}}")],
                js=[js_object("Utils", "export default { show() { return Text1.text } }")],
            )
        )
    )
    assert [str(c) for c in looped.cycles()] == ["Text1.text -> Utils.show -> Text1.text"]


def test_an_action_config_reading_a_widget_fed_by_the_action_is_not_a_cycle() -> None:
    # Actions run when triggered: their data does not depend on their config.
    graph = AppGraph.build(
        app(
            page(
                "P",
                [widget("Table1", "TABLE_WIDGET_V2", tableData="{{q.data}}")],
                [action("q", "select {{Table1.selectedRow.id}}")],
            )
        )
    )
    assert graph.cycles() == []


def test_an_edit_updates_edges_and_creates_or_removes_a_cycle() -> None:
    document = app(page("P", [widget("Text1", text="{{Text2.text}}"), widget("Text2", text="hello")]))
    graph = AppGraph.build(document)
    graph.update_property("Text2", ("text",), "{{Text1.text}}")
    assert graph.reads("Text2.text") == {"Text1.text"}
    assert [str(c) for c in graph.cycles()] == ["Text1.text -> Text2.text -> Text1.text"]
    graph.update_property("Text2", ("text",), "{{Input9.text}}")
    assert graph.cycles() == []
    assert graph.readers("Text1.text") == {"Text1"}  # only the whole-entity node
    graph.update_property("Text2", ("text",), "plain text")
    assert graph.reads("Text2.text") == frozenset()


def test_an_edit_to_a_js_object_body_replaces_its_members() -> None:
    document = orders_app()
    graph = AppGraph.build(document)
    graph.update_property("Utils", ("body",), "export default { total() { return Input1.text } }")
    assert graph.reads("Utils.total") == {"Input1.text"}
    assert graph.reads("Utils.rate") == frozenset()


def _random_app(rng: random.Random, size: int) -> dict:  # type: ignore[type-arg]
    names = [f"W{i}" for i in range(size)]
    widgets = [widget(n, text=f"{{{{{rng.choice(names)}.text}}}}", label="x") for n in names]
    return app(page("P", widgets))


def test_incremental_re_analysis_agrees_with_a_full_build() -> None:
    rng = random.Random(7)
    for _ in range(20):
        document = _random_app(rng, 12)
        graph = AppGraph.build(document)
        for _ in range(15):
            target = rng.choice(document["pages"][0]["dsl"]["children"])
            key = rng.choice(["text", "label"])
            refs = " + ".join(
                f"W{rng.randrange(12)}.{rng.choice(['text', 'label'])}" for _ in range(rng.randrange(3))
            )
            value = f"{{{{{refs}}}}}" if refs else "plain"
            target[key] = value
            graph.update_property(target["widgetName"], (key,), value)
            fresh = AppGraph.build(document)
            for node in fresh.properties:
                assert graph.reads(node) == fresh.reads(node)
            assert graph.cyclic_nodes() == fresh.cyclic_nodes()


def test_each_page_is_analysed_with_its_own_names() -> None:
    def orders(name: str, source: str) -> dict:  # type: ignore[type-arg]
        return page(
            name,
            [widget("Table1", "TABLE_WIDGET_V2", tableData=f"{{{{{source}}}}}")],
            [action("getOrders", "select * from o where id = {{Table1.selectedRow.id}}")],
            [js_object("Utils", "export default {\n  rows() { return getOrders.data },\n}")],
        )

    document = app(orders("One", "Utils.rows()"), orders("Two", "getOrders.data"))
    one, two = page_graphs(document)
    assert (one.page, two.page) == (0, 1)
    assert one.reads("Table1.tableData") == {"Utils.rows"}
    assert one.reads("Utils.rows") == {"getOrders.data"}
    assert two.reads("Table1.tableData") == {"getOrders.data"}
    assert one.cycles() == two.cycles() == []
    with pytest.raises(ValueError, match="2 pages"):
        AppGraph.build(document)


def test_a_cycle_is_a_cycle_of_one_page() -> None:
    # On one page A reads B and B reads A; spread over two pages, each read is of an unknown name.
    looped = app(page("P", [widget("A", text="{{B.text}}"), widget("B", text="{{A.text}}")]))
    spread = app(page("P", [widget("A", text="{{B.text}}")]), page("Q", [widget("B", text="{{A.text}}")]))
    assert [c.path for c in AppGraph.build(looped).cycles()] == [("A.text", "B.text", "A.text")]
    assert [g.cycles() for g in page_graphs(spread)] == [[], []]
