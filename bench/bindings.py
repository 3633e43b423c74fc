"""Binding analysis on a generated application: 1,000 widgets, 200 actions, 20 JS objects.

Prints, in milliseconds: the baseline (tree-sitter parsing of every binding, no analysis), the full
analysis (one graph per page: references, graph, cycles, on-load plans) from a cold cache, the
re-analysis after one property edit, and a rename of one page's `Shared` (names are per page: every
page has its own `Shared`, and the rename rewrites its page only); with the ratios to the baseline
and targets.

    .venv/bin/python bench/bindings.py [--pages 10] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from lowcraft.bindings import AppGraph, on_load_plan, page_graphs, rename
from lowcraft.bindings.entities import bound_properties, iter_entities
from lowcraft.bindings.javascript import clear_cache, parse_only
from lowcraft.bindings.segments import iter_segments

WIDGETS, ACTIONS, JS_OBJECTS = 1000, 200, 20


def generate(pages: int) -> dict[str, Any]:
    """An application of WIDGETS widgets, ACTIONS actions and JS_OBJECTS JS objects over `pages` pages."""
    document: dict[str, Any] = {
        "format": "lowcraft-app",
        "formatVersion": 1,
        "application": {"name": "Bench"},
        "pages": [],
    }
    per_page = WIDGETS // pages
    for p in range(pages):
        actions = []
        for a in range(ACTIONS // pages):
            n = p * (ACTIONS // pages) + a
            previous = f"q{n - 1}" if a else f"t{p * per_page}"
            actions.append(
                {
                    "name": f"q{n}",
                    "connector": "postgres",
                    "datasource": "db",
                    "config": {
                        "sql": f"select * from t{n} where id = {{{{{previous}.selectedRow.id}}}} "
                        f"and name ilike {{{{'%' + i{p * per_page + a % per_page}.text + '%'}}}}"
                    },
                    "settings": {"runOnPageLoad": a % 5 == 0},
                }
            )
        js_objects = []
        for j in range(JS_OBJECTS // pages):
            n = p * (JS_OBJECTS // pages) + j
            body = "export default {\n  rate: 0.2,\n"
            body += "".join(
                f"  f{k}(x) {{ const y = x ?? q{p * (ACTIONS // pages) + k % (ACTIONS // pages)}.data; "
                f"return this.rate * (y?.length ?? 0) + Shared.helper(y) }},\n"
                for k in range(5)
            )
            body += "}"
            js_objects.append({"name": f"Js{n}", "body": body})
        children = []
        for w in range(per_page):
            n = p * per_page + w
            q = p * (ACTIONS // pages) + w % (ACTIONS // pages)
            if w % 2 == 0:
                widget = {
                    "type": "TABLE_WIDGET_V2",
                    "widgetName": f"t{n}",
                    "tableData": f"{{{{q{q}.data.filter(r => r.status === s{p}.selectedOptionValue)}}}}",
                    "isVisible": f"{{{{!q{q}.isLoading && Js{p * (JS_OBJECTS // pages)}.f{w % 5}(q{q}.data) > 0}}}}",
                    "onRowSelected": f"{{{{q{q}.run().then(() => showAlert(t{n}.selectedRow.id))}}}}",
                }
            else:
                widget = {
                    "type": "INPUT_WIDGET_V2",
                    "widgetName": f"i{n}",
                    "defaultText": f"Hello {{{{appsmith.user.name}}}} {{{{t{n - 1}.selectedRow?.name ?? ''}}}}",
                    "label": f"{{{{Shared.label('i{n}', t{n - 1}.pageNo)}}}}",
                }
            widget.update(
                {"widgetId": f"w{n}", "leftColumn": 0, "rightColumn": 20, "topRow": w, "bottomRow": w + 1}
            )
            children.append(widget)
        children[0] = {**children[0], "widgetName": f"s{p}", "type": "SELECT_WIDGET"}
        children[0]["tableData"] = "{{Shared.options()}}"
        document["pages"].append(
            {
                "name": f"Page{p}",
                "slug": f"page{p}",
                "dsl": {
                    "widgetId": f"root{p}",
                    "widgetName": f"Main{p}",
                    "type": "CANVAS_WIDGET",
                    "children": children,
                },
                "actions": actions,
                "jsObjects": js_objects,
            }
        )
    # Names are per page: every page has its own Shared, in place of its first JS object.
    for p, page in enumerate(document["pages"]):
        first = p * (JS_OBJECTS // pages)
        page["jsObjects"][0] = {
            "name": "Shared",
            "body": "export default {\n  helper(y) { return y ? y.length : 0 },\n"
            "  label(n, p) { return `${n} page ${p}` },\n  options() { return [] },\n}",
        }
        # Keep references valid: the first JS object became Shared, so point its readers at the next.
        for widget in page["dsl"]["children"]:
            if isinstance(widget.get("isVisible"), str):
                widget["isVisible"] = widget["isVisible"].replace(f"Js{first}.", f"Js{first + 1}.")
    return document


def best_of(repeat: int, run: Callable[[], object], before: Callable[[], object] = lambda: None) -> float:
    """The fastest of `repeat` runs, in milliseconds (`before` runs untimed before each)."""
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    document = generate(args.pages)
    props = [p for e in iter_entities(document) for p in bound_properties(e)]
    codes = [(s.source, p.kind) for p in props for s in iter_segments(p.value) if s.is_binding]
    codes += [(p.value, p.kind) for p in props if p.kind.value == "jsobject"]
    widgets = sum(1 for e in iter_entities(document) if e.kind.value == "widget") - len(document["pages"])
    print(
        f"application: {widgets} widgets (+ one canvas per page), {len(props)} bound properties,"
        f" {len(codes)} pieces of JavaScript"
    )

    def analyse() -> list[AppGraph]:
        graphs = page_graphs(document)
        for graph in graphs:
            on_load_plan(graph)
        return graphs

    baseline = best_of(args.repeat, lambda: [parse_only(src, kind) for src, kind in codes])
    full = best_of(args.repeat, analyse, before=clear_cache)
    warm = best_of(args.repeat, analyse)
    graph = analyse()[0]
    edits = [f"{{{{q{k}.data.length + Shared.helper(q{k + 1}.data)}}}}" for k in range(args.repeat * 4)]
    counter = iter(range(len(edits)))

    def edit() -> None:
        graph.update_property("i1", ("label",), edits[next(counter)])

    edit_ms = best_of(args.repeat * 4, edit)
    renamed, changes = rename(document, "Shared", "Common", page=0)
    rename_ms = best_of(args.repeat, lambda: rename(document, "Shared", "Common", page=0))
    rename_cold = best_of(args.repeat, lambda: rename(document, "Shared", "Common", page=0), before=clear_cache)
    pages_changed = len(
        {
            renamed["pages"].index(p)
            for p in renamed["pages"]
            if any(c.entity in {w["widgetName"] for w in p["dsl"]["children"]} for c in changes)
        }
    )

    rows = [
        ("baseline: parse every binding (tree-sitter only)", baseline, None),
        ("full analysis, cold cache (page graphs + cycles + on-load)", full, 1000.0),
        ("full analysis, warm parse cache", warm, None),
        ("re-analysis after one property edit", edit_ms, 5.0),
        (f"rename page 0's Shared -> Common ({len(changes)} changes on {pages_changed} page)", rename_ms, 300.0),
        ("rename, cold parse cache", rename_cold, None),
    ]
    print(f"{'measure':66} {'ms':>9} {'x baseline':>11} {'target':>9}")
    for label, ms, target in rows:
        verdict = "" if target is None else (f"< {target:g} " + ("ok" if ms < target else "MISSED"))
        print(f"{label:66} {ms:9.2f} {ms / baseline:11.2f} {verdict:>9}")
    print(f"graph: {len(graph.nodes)} nodes, {graph.edge_count()} edges, {len(graph.cycles())} cycles")


if __name__ == "__main__":
    main()
