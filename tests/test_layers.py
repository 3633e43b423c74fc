"""The server's layers point one way: a unit of `lowcraft/` imports only its own layer and those
below it, and no set of units imports itself round (docs/architecture.md draws the picture).

A failure names the file whose import broke the rule. Fix it by moving the code to the layer
that owns it, never by hiding the import inside a function: the graph sees those too.
"""

from __future__ import annotations

from pathlib import Path

from tests.import_graph import cyclic_sets, import_graph

ROOT = Path(__file__).resolve().parent.parent

LAYERS: list[tuple[str, set[str]]] = [
    # Lowest first.
    ("foundation", {"errors", "config", "jsontext", "jsoncheck", "slugs", "logs", "crypto", "lazy"}),
    ("libraries", {"store", "cache", "widgets", "bindings", "connectors", "appsmith", "mail", "signin"}),
    ("identity", {"identity"}),
    ("instance", {"runtime", "context"}),
    ("http edge", {"http", "metrics"}),
    ("audit log", {"audit"}),
    ("application model", {"appmodel"}),
    ("workspaces and permissions", {"workspaces"}),
    ("accounts and datasources", {"accounts", "datasources", "admin", "scim"}),
    ("libraries of applications", {"jslibs"}),
    ("applications", {"apps"}),
    ("application versions", {"versions"}),
    ("pages", {"pages"}),
    ("actions", {"actions"}),
    ("git sync", {"git"}),
    ("real-time", {"realtime"}),
    ("workflows", {"workflows"}),
    ("workflow triggers", {"triggers"}),
    ("composition", {"app", "cli", "devserver", "meta", "ops", "tables", "migrations", "__init__"}),
]
LAYER_OF = {unit: rank for rank, (_, units) in enumerate(LAYERS) for unit in units}


def test_every_unit_has_a_layer() -> None:
    unplaced = sorted(set(import_graph(ROOT)) - set(LAYER_OF))
    assert not unplaced, f"add these units of lowcraft/ to a layer in LAYERS: {unplaced}"


def test_no_unit_imports_a_layer_above_its_own() -> None:
    upward = [
        f"{source} ({LAYERS[LAYER_OF[source]][0]}) imports {target} ({LAYERS[LAYER_OF[target]][0]}) in {sorted(files)}"
        for source, targets in import_graph(ROOT).items()
        for target, files in targets.items()
        if source in LAYER_OF and target in LAYER_OF and LAYER_OF[target] > LAYER_OF[source]
    ]
    assert not upward, "imports that point up:\n" + "\n".join(upward)


def test_no_packages_import_each_other_round() -> None:
    assert cyclic_sets(import_graph(ROOT)) == []


def test_the_check_sees_a_cycle_and_an_upward_import(tmp_path: Path) -> None:
    package = tmp_path / "lowcraft"
    for unit, imports in {"store": "lowcraft.apps.service", "apps": "lowcraft.store.db"}.items():
        (package / unit).mkdir(parents=True)
        (package / unit / "mod.py").write_text(f"def late() -> None:\n    import {imports}\n")
    graph = import_graph(tmp_path)
    assert graph["store"] == {"apps": {"lowcraft/store/mod.py"}}
    assert cyclic_sets(graph) == [["apps", "store"]]
