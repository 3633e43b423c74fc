"""Reading and converting an Appsmith app the size of the largest real ones measured for issue 13.

The app: N pages (default 65) each a copy of the test app's Orders page (18 widgets, nested
forms, tabs, a modal, a list, legacy types, placeholders) plus 50 text widgets, 12 queries and 5 JS
objects a page (~4,400 widgets, 780 queries, 325 JS objects in all). Timed: the single-file JSON
export and the Git layout (v5, one file per widget) as a zip, each read into the model and
converted (trees, actions, report). Baseline: `json.loads` of the same export alone.

Then the whole import through the API (`POST .../applications/import-appsmith`: upload, read,
convert, store in one transaction on SQLite), for the runnable test apps of tests/appsmith/apps.py
and for the big app, with each app's pages, widgets, `{{ }}` strings and share of widgets imported
without a placeholder.

    .venv/bin/python bench/appsmith_import.py [--pages 65]
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lowcraft.app import create_app
from lowcraft.appsmith.convert import convert_app
from lowcraft.appsmith.read import read_appsmith
from tests.appsmith.apps import helpdesk_app, inventory_app
from tests.appsmith.builders import (
    App,
    JsFn,
    JsObj,
    Page,
    Query,
    git_files,
    orders_app,
    single_file,
    w,
    zip_of,
)


def big_app(pages: int) -> App:
    base = orders_app()
    template = base.pages[0]
    app = App(base.name, [], [], [], base.datasources, base.libs, base.theme, base.navigation)
    for index in range(pages):
        name = f"Page{index + 1}"
        dsl = copy.deepcopy(template.dsl)
        for row in range(50):
            dsl["children"].append(
                w(
                    f"Note{row}",
                    "TEXT_WIDGET",
                    0,
                    30,
                    120 + row * 4,
                    124 + row * 4,
                    text=f"{{{{q{row % 12}.data.length}}}}",
                )
            )
        dsl["bottomRow"] = (120 + 50 * 4 + 10) * 10
        app.pages.append(Page(name, dsl, on_load=["q0"], default=index == 0))
        for q in range(12):
            app.queries.append(
                Query(
                    f"q{q}",
                    name,
                    "postgres-plugin",
                    "DB",
                    "Orders DB",
                    {"body": f"select * from t{q} where id = {{{{Table1.selectedRow.id}}}}"},
                    on_load=q == 0,
                )
            )
        for j in range(5):
            app.js_objects.append(
                JsObj(f"Js{j}", name, "export default {\n  run() { return 1 },\n}", [JsFn("run")])
            )
    return app


def timed(label: str, fn: Any, runs: int = 3) -> float:
    best = min(_once(fn) for _ in range(runs))
    print(f"{label:<46} {best * 1000:8.1f} ms")
    return best


def _once(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=65)
    args = parser.parse_args()
    app = big_app(args.pages)
    export = json.dumps(single_file(app, "v2025")).encode()
    archive = zip_of(git_files(app, 5))
    converted = convert_app(read_appsmith(io.BytesIO(export)))
    widgets = sum(1 for item in converted.report.items if item.kind == "widget")
    placeholders = sum(1 for item in converted.report.not_carried if item.kind == "widget")
    print(
        f"{args.pages} pages, {widgets} widgets ({placeholders} placeholders), {len(converted.actions)} actions, "
        f"{len(app.js_objects)} JS objects; export {len(export) / 1e6:.1f} MB, Git zip {len(archive) / 1e6:.1f} MB"
    )
    base = timed("json.loads of the export (baseline)", lambda: json.loads(export))
    one = timed("single-file export: read + convert", lambda: convert_app(read_appsmith(io.BytesIO(export))))
    git = timed("Git layout zip: read + convert", lambda: convert_app(read_appsmith(io.BytesIO(archive))))
    print(f"ratio to json.loads: single file {one / base:.1f}x, Git zip {git / base:.1f}x")
    print()
    through_the_api({
        "Inventory (JSON export)": ("inventory.json", json.dumps(single_file(inventory_app(), "v2025")).encode()),
        "Helpdesk (Git v5 zip)": ("helpdesk.zip", zip_of(git_files(helpdesk_app(), 5))),
        f"big app, {args.pages} pages (JSON export)": ("big.json", export),
        f"big app, {args.pages} pages (Git v5 zip)": ("big.zip", archive),
    })


def _widgets(tree: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for child in tree.get("children") or []:
        out += [child, *_widgets(child)]
    return out


def _bound(value: Any) -> int:
    if isinstance(value, str):
        return int("{{" in value)
    if isinstance(value, dict):
        return sum(_bound(v) for v in value.values())
    if isinstance(value, list):
        return sum(_bound(v) for v in value)
    return 0


def through_the_api(uploads: dict[str, tuple[str, bytes]]) -> None:
    import tempfile

    from tests.conftest import Instance, first_workspace, make_settings

    with tempfile.TemporaryDirectory() as folder:
        settings = make_settings(Path(folder) / "data", f"sqlite:///{folder}/bench.db")
        instance = Instance(create_app(settings), settings)
        client = instance.user("bench@example.com")
        ws = first_workspace(client)
        url = f"/api/v1/workspaces/{ws}/applications/import-appsmith"
        client.post(url, files={"file": ("warm.json", uploads[next(iter(uploads))][1])})  # first-use loading
        print(f"{'import through the API':<34} {'pages':>5} {'widgets':>7} {'{{ }}':>6} {'no placeholder':>14} {'time':>9}")
        for label, (filename, data) in uploads.items():
            start = time.perf_counter()
            response = client.post(url, files={"file": (filename, data)})
            elapsed = time.perf_counter() - start
            assert response.status_code == 201, response.text
            doc = client.get(f"/api/v1/applications/{response.json()['application']['id']}/export").json()
            widgets = [w for p in doc["pages"] for w in _widgets(p["dsl"])]
            kept = sum(1 for w in widgets if w["type"] != "UNSUPPORTED_WIDGET")
            bound = sum(_bound(w) for w in widgets) + sum(_bound(a["config"]) for p in doc["pages"] for a in p["actions"])
            print(f"{label:<34} {len(doc['pages']):>5} {len(widgets):>7} {bound:>6} "
                  f"{100 * kept / len(widgets):>13.1f}% {elapsed * 1000:>7.0f} ms")
        instance.app.state.runtime.close()


if __name__ == "__main__":
    main()
