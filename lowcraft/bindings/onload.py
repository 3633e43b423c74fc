"""The on-load plan: which actions run when a page opens, and in what order.

An action of the page runs on load when its `runOnPageLoad` setting is true, or when a data
binding of one of the page's widgets reads it (`getOrders.data`, also through a JS object function
or another on-load action's config). Reads from event handlers do not count: those run the action
themselves. An action runs after the on-load actions its own config reads; actions that do not
depend on each other share a batch and may run in parallel.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from lowcraft.bindings.entities import EntityKind
from lowcraft.bindings.graph import AppGraph, NodeRole
from lowcraft.bindings.known_names import ACTION_DATA_PROPERTIES


@dataclass(frozen=True, slots=True)
class OnLoadPlan:
    """Batches of action names: every action of a batch may start once the earlier batches ended."""

    page: int
    batches: tuple[tuple[str, ...], ...]
    reasons: dict[str, str]
    """Why each action runs: `runOnPageLoad` or the node that reads it (`Table1.tableData`)."""
    cyclic: tuple[str, ...] = ()
    """Actions whose configs read each other; they run in the last batch, order unspecified."""

    @property
    def actions(self) -> list[str]:
        """Every action that runs, in plan order."""
        return [name for batch in self.batches for name in batch]

    def to_dict(self) -> dict[str, object]:
        """The JSON form (for the page API and the web runtime)."""
        return {
            "batches": [list(b) for b in self.batches],
            "reasons": dict(self.reasons),
            "cyclic": list(self.cyclic),
        }


def on_load_plan(graph: AppGraph, page: int | None = None) -> OnLoadPlan:
    """Plan the actions that run when the graph's page opens (`page`, when given, must be it)."""
    if page is not None and page != graph.page:
        raise ValueError(f"this graph analyses page {graph.page}, not page {page}: build the page's own graph")
    page = graph.page
    actions = {e.name for e in graph.page_entities() if e.kind is EntityKind.ACTION}
    reasons: dict[str, str] = {}
    for name in sorted(actions):
        settings = graph.entities[name].data.get("settings")
        if isinstance(settings, dict) and settings.get("runOnPageLoad") is True:
            reasons[name] = "runOnPageLoad"
    seeds = [
        node_id
        for node_id, prop in graph.properties.items()
        if not prop.is_event
        and graph.entities[prop.entity].page == page
        and graph.entities[prop.entity].kind is EntityKind.WIDGET
    ]
    for seed in sorted(seeds):
        for action in _actions_read(graph, [seed], actions):
            reasons.setdefault(action, seed)
    # An on-load action's config may read other actions, which must then load first.
    config_nodes: dict[str, list[str]] = {}
    for node_id, prop in graph.properties.items():
        if prop.entity in actions:
            config_nodes.setdefault(prop.entity, []).append(node_id)
    needs: dict[str, set[str]] = {}
    queue = deque(sorted(reasons))
    while queue:
        action = queue.popleft()
        if action in needs:
            continue
        needs[action] = _actions_read(graph, config_nodes.get(action, []), actions) - {action}
        for needed in sorted(needs[action]):
            if needed not in reasons:
                reasons[needed] = f"{action}.config"
                queue.append(needed)
    batches, cyclic = _batches(needs)
    return OnLoadPlan(page, batches, reasons, cyclic)


def _actions_read(graph: AppGraph, start: list[str], actions: set[str]) -> set[str]:
    """Actions among `actions` whose results the nodes in `start` read, directly or not.

    The walk does not enter event handlers, nor another action's config (what that action reads
    is its own dependency, not ours).
    """
    found: set[str] = set()
    seen = set(start)
    queue = deque(start)
    while queue:
        node_id = queue.popleft()
        for target in graph.reads(node_id):
            if target in seen:
                continue
            seen.add(target)
            node = graph.nodes[target]
            if graph.entities[node.entity].kind is EntityKind.ACTION:
                is_result = node.role is NodeRole.ENTITY or (
                    node.path and node.path[0] in ACTION_DATA_PROPERTIES
                )
                if node.entity in actions and is_result:
                    found.add(node.entity)
                continue
            if node.is_event:
                continue
            queue.append(target)
    return found


def _batches(needs: dict[str, set[str]]) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    remaining = {name: set(deps) for name, deps in needs.items()}
    batches: list[tuple[str, ...]] = []
    while remaining:
        ready = sorted(name for name, deps in remaining.items() if not deps)
        if not ready:
            cyclic = tuple(sorted(remaining))
            batches.append(cyclic)
            return tuple(batches), cyclic
        batches.append(tuple(ready))
        for name in ready:
            del remaining[name]
        for deps in remaining.values():
            deps.difference_update(ready)
    return tuple(batches), ()
