"""The package-level import graph of `lowcraft/`, read with `ast` (nothing is imported).

A unit is a top-level package (`lowcraft/apps/...` -> `apps`) or a top-level module
(`lowcraft/runtime.py` -> `runtime`). Every `import lowcraft.x...` / `from lowcraft.x... import`
anywhere in a file counts, including those under `if TYPE_CHECKING:` and inside functions: a
deferred import is still a dependency.

Run it to see the cyclic sets: `python tests/import_graph.py .`
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def unit_of(path: Path, package: Path) -> str:
    parts = path.relative_to(package).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def import_graph(root: Path) -> dict[str, dict[str, set[str]]]:
    """unit -> imported unit -> the files (relative to `root`) whose imports make the edge."""
    package = root / "lowcraft"
    edges: dict[str, dict[str, set[str]]] = {}
    for path in sorted(package.rglob("*.py")):
        source = unit_of(path, package)
        edges.setdefault(source, {})
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "lowcraft" and len(parts) > 1 and parts[1] != source:
                    edges[source].setdefault(parts[1], set()).add(str(path.relative_to(root)))
    return edges


def cyclic_sets(edges: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """The strongly connected sets of more than one unit (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(unit: str) -> None:
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        on_stack.add(unit)
        for target in edges.get(unit, {}):
            if target not in index:
                visit(target)
                low[unit] = min(low[unit], low[target])
            elif target in on_stack:
                low[unit] = min(low[unit], index[target])
        if low[unit] == index[unit]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == unit:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for unit in list(edges):
        if unit not in index:
            visit(unit)
    return found


if __name__ == "__main__":
    graph = import_graph(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
    cycles = cyclic_sets(graph)
    print("units:", len(graph), "cyclic sets:", len(cycles), [len(c) for c in cycles])
    for cycle in cycles:
        print(" ", cycle)
