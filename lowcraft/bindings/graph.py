"""The application graph: which entity property reads which, cycles, and incremental updates.

Nodes are entity properties (`Table1.tableData`, `getOrders.config.sql`), JS object members
(`Utils.fmt`, whose edges are what its code reads; `this.x` is `Utils.x`), values that only exist
at run time (`getOrders.data`, `Table1.selectedRow`) and whole entities (`Table1`, read by
`JSON.stringify(Table1)`, which reads every property). An edge A -> B means "A reads B".

Implicit dependencies inside a widget (`selectedRow` is derived from `tableData`) and an action's
`data` coming from running it are not edges: an action runs when triggered, not when its config
changes, which is why `getOrders.config.sql` may read `Table1.selectedRow` while
`Table1.tableData` reads `getOrders.data`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from lowcraft.bindings.entities import (
    BoundProperty,
    Entity,
    ManifestLookup,
    PathKey,
    bound_properties,
    dotted_path,
    iter_entities,
    no_manifests,
    page_count,
)
from lowcraft.bindings.javascript import analyze
from lowcraft.bindings.js_analysis import SourceKind
from lowcraft.bindings.references import PropertyReferences, Reference, ReferenceKind, extract_references


class NodeRole(str, Enum):
    """What a graph node stands for."""

    ENTITY = "entity"
    """A whole entity: reads all its properties."""
    PROPERTY = "property"
    """A property whose value holds JavaScript."""
    MEMBER = "member"
    """A top-level member of a JS object."""
    VALUE = "value"
    """Anything else a binding can read (`getOrders.data`, `Table1.selectedRow`, `Table1.columns`)."""


@dataclass(slots=True)
class Node:
    """A node of the application graph."""

    id: str
    entity: str
    path: tuple[str, ...]
    role: NodeRole
    is_event: bool = False
    is_function: bool = False


@dataclass(frozen=True, slots=True)
class Cycle:
    """A cycle of reads: `path` starts and ends with the same node."""

    path: tuple[str, ...]

    def __str__(self) -> str:
        return " -> ".join(self.path)


class AppGraph:
    """The dependency graph of one page of an application document.

    Names are per page, as in Appsmith: a page's bindings see that page's widgets, actions and JS
    objects (and the app-wide globals), never another page's, so each page has its own graph.
    Build it with `AppGraph.build(document, page=n)` (`page_graphs` builds all of them); after a
    property edit call `update_property` (a rename, an added or removed entity needs a new build).
    """

    def __init__(self, manifests: ManifestLookup = no_manifests, page: int = 0) -> None:
        self.manifests = manifests
        self.page = page
        """The index of the page this graph analyses."""
        self.entities: dict[str, Entity] = {}
        self.duplicates: list[Entity] = []
        """Entities whose name an earlier entity already uses (left out of the graph)."""
        self.nodes: dict[str, Node] = {}
        self.properties: dict[str, BoundProperty] = {}
        """Bound properties by node id (a JS object body under `<name>.body`)."""
        self.references: dict[str, PropertyReferences] = {}
        """References of each bound property, by the same key as `properties`."""
        self._reads: dict[str, set[str]] = {}
        self._readers: dict[str, set[str]] = {}
        self._owned: dict[str, list[str]] = {}
        """Nodes whose edges come from one bound property (a JS body owns its members)."""
        self._cyclic: dict[str, frozenset[str]] = {}

    # building ---------------------------------------------------------------------------------

    @classmethod
    def build(
        cls, document: Mapping[str, Any], manifests: ManifestLookup = no_manifests, page: int | None = None
    ) -> AppGraph:
        """Analyse page number `page` of an application document; `page` may be left out when the
        document has a single page."""
        if page is None:
            pages = page_count(document)
            if pages > 1:
                raise ValueError(f"the document has {pages} pages: name the page to analyse (or use page_graphs)")
            page = 0
        graph = cls(manifests, page)
        bound: list[tuple[Entity, BoundProperty]] = []
        for entity in iter_entities(document, manifests, page) if page_count(document) else ():
            if entity.name in graph.entities:
                graph.duplicates.append(entity)
                continue
            graph.entities[entity.name] = entity
            graph._node(entity.name, entity.name, (), NodeRole.ENTITY)
            for prop in bound_properties(entity, manifests):
                bound.append((entity, prop))
                graph._declare(entity, prop)
        for entity, prop in bound:
            graph._connect(entity, prop)
        graph._cyclic = _all_cyclic(graph._reads, graph._is_recursion)
        return graph

    def _node(self, node_id: str, entity: str, path: tuple[str, ...], role: NodeRole) -> Node:
        node = self.nodes.get(node_id)
        if node is None:
            node = self.nodes[node_id] = Node(node_id, entity, path, role)
            self._reads[node_id] = set()
            self._readers[node_id] = set()
        elif role is not NodeRole.VALUE and node.role is NodeRole.VALUE:
            node.role = role
        return node

    def _declare(self, entity: Entity, prop: BoundProperty) -> None:
        """Create the nodes of a bound property, and the edges from its containers to them."""
        key = prop.node
        self.properties[key] = prop
        if prop.kind is SourceKind.JSOBJECT:
            owned = []
            for member in analyze(prop.value, SourceKind.JSOBJECT).members:
                node = self._node(
                    f"{entity.name}.{member.name}", entity.name, (member.name,), NodeRole.MEMBER
                )
                node.is_function = member.is_function
                self._edge(entity.name, node.id)
                owned.append(node.id)
            self._owned[key] = owned
            return
        path = tuple(str(k) for k in prop.path)
        node = self._node(key, entity.name, path, NodeRole.PROPERTY)
        node.is_event = prop.is_event
        self._edge(entity.name, key)
        if len(prop.path) > 1 and isinstance(prop.path[0], str):
            container = self._node(
                f"{entity.name}.{prop.path[0]}", entity.name, (prop.path[0],), NodeRole.VALUE
            )
            self._edge(container.id, key)
        self._owned[key] = [key]

    def _connect(self, entity: Entity, prop: BoundProperty) -> None:
        """Add the edges from a bound property's nodes to what its code reads."""
        key = prop.node
        this_name = entity.name if prop.kind is SourceKind.JSOBJECT else None
        found = extract_references(
            prop.value,
            prop.kind,
            self.entities,
            this_name=this_name,
            scope_names=entity.scope_names | prop.scope_names,
        )
        self.references[key] = found
        for reference in found.references:
            if reference.kind is not ReferenceKind.ENTITY:
                continue
            source = key
            if prop.kind is SourceKind.JSOBJECT:
                member = f"{entity.name}.{reference.member}" if reference.member else entity.name
                source = member if member in self.nodes else entity.name
            self._edge(source, self.resolve(reference))

    def _edge(self, source: str, target: str) -> None:
        self._reads[source].add(target)
        self._readers[target].add(source)

    def resolve(self, reference: Reference) -> str:
        """The node a reference reads: the longest bound property or member on its path, else
        `<entity>.<first key>`, else the entity itself."""
        name, path = reference.name, reference.path
        for size in range(len(path), 0, -1):
            candidate = ".".join((name, *path[:size]))
            node = self.nodes.get(candidate)
            if node is not None and node.role is not NodeRole.VALUE:
                return candidate
        if not path:
            return name
        node_id = f"{name}.{path[0]}"
        if node_id not in self.nodes:
            self._node(node_id, name, (path[0],), NodeRole.VALUE)
        return node_id

    # incremental update -----------------------------------------------------------------------

    def update_property(self, entity_name: str, path: tuple[PathKey, ...], value: Any) -> None:
        """Re-analyse after one property of `entity_name` changed to `value` (the document itself
        is the caller's to update). Only that property's edges and the cycles through them change."""
        entity = self.entities.get(entity_name)
        if entity is None:
            raise KeyError(f"no entity named {entity_name!r} in this graph")
        prop = _bound_after_edit(entity, path, value, self.manifests)
        key = f"{entity_name}.{dotted_path(path)}"
        touched = set(self._owned.get(key, []))
        for node_id in touched:
            self._clear_edges(node_id)
            if node_id in self.nodes and node_id != key:
                # A removed JS member stays readable as a plain value until the next full build.
                self.nodes[node_id].role = NodeRole.VALUE
        self._owned.pop(key, None)
        self.properties.pop(key, None)
        self.references.pop(key, None)
        if key in self.nodes and prop is None:
            self.nodes[key].role = NodeRole.VALUE
        if prop is not None:
            self._declare(entity, prop)
            self._connect(entity, prop)
            touched.update(self._owned.get(key, []))
        self._update_cycles(touched)

    def _clear_edges(self, node_id: str) -> None:
        for target in self._reads.get(node_id, set()):
            self._readers[target].discard(node_id)
        if node_id in self._reads:
            self._reads[node_id] = set()

    def _update_cycles(self, changed: Iterable[str]) -> None:
        pending = set(changed)
        for node_id in list(pending):
            pending.update(self._cyclic.get(node_id, ()))
        for node_id in pending:
            self._cyclic.pop(node_id, None)
        for node_id in pending:
            if node_id in self._cyclic:
                continue
            component = self._component_of(node_id)
            if component is not None and not self._is_recursion(component):
                for member in component:
                    self._cyclic[member] = component

    def _component_of(self, start: str) -> frozenset[str] | None:
        """The strongly connected component of `start`, if `start` lies on a cycle."""
        forward: set[str] = set()
        queue = deque(self._reads.get(start, ()))
        while queue:
            node_id = queue.popleft()
            if node_id not in forward:
                forward.add(node_id)
                queue.extend(self._reads[node_id] - forward)
        if start not in forward:
            return None
        component = {start}
        queue = deque([start])
        while queue:
            node_id = queue.popleft()
            for reader in self._readers[node_id]:
                if reader in forward and reader not in component:
                    component.add(reader)
                    queue.append(reader)
        return frozenset(component)

    def _is_recursion(self, component: Iterable[str]) -> bool:
        """JS functions calling each other (or themselves) is recursion, not a cycle of values."""
        return all(self.nodes[n].role is NodeRole.MEMBER and self.nodes[n].is_function for n in component)

    # queries ----------------------------------------------------------------------------------

    def reads(self, node_id: str) -> frozenset[str]:
        """The nodes `node_id` reads directly."""
        return frozenset(self._reads.get(node_id, ()))

    def readers(self, node_id: str) -> frozenset[str]:
        """The nodes that read `node_id` directly."""
        return frozenset(self._readers.get(node_id, ()))

    def dependents(self, node_id: str) -> set[str]:
        """Every node that reads `node_id`, directly or not: what to re-evaluate when it changes."""
        seen: set[str] = set()
        queue = deque([node_id])
        while queue:
            for reader in self._readers.get(queue.popleft(), ()):
                if reader not in seen:
                    seen.add(reader)
                    queue.append(reader)
        return seen

    def edge_count(self) -> int:
        """The number of edges (for benchmarks and sanity checks)."""
        return sum(len(targets) for targets in self._reads.values())

    def cyclic_nodes(self) -> frozenset[str]:
        """Every node that lies on a cycle."""
        return frozenset(self._cyclic)

    def cycles(self) -> list[Cycle]:
        """One cycle per group of nodes that read each other, as a path, sorted."""
        found: list[Cycle] = []
        seen: set[frozenset[str]] = set()
        for component in self._cyclic.values():
            if component in seen:
                continue
            seen.add(component)
            found.append(Cycle(_cycle_path(min(component), component, self._reads)))
        return sorted(found, key=lambda c: c.path)

    def page_entities(self, page: int | None = None) -> Iterator[Entity]:
        """The entities of the graph's page (every entity of the graph is on it)."""
        if page is not None and page != self.page:
            return iter(())
        return iter(self.entities.values())


def page_graphs(document: Mapping[str, Any], manifests: ManifestLookup = no_manifests) -> list[AppGraph]:
    """One graph per page of the document, in page order."""
    return [AppGraph.build(document, manifests, page) for page in range(page_count(document))]


def _bound_after_edit(
    entity: Entity, path: tuple[PathKey, ...], value: Any, manifests: ManifestLookup
) -> BoundProperty | None:
    """The bound property at `path` once it holds `value` (None if it no longer holds code)."""
    if not isinstance(value, str):
        return None
    edited = Entity(
        entity.name,
        entity.kind,
        entity.page,
        entity.page_name,
        entity.type,
        entity.location,
        _with_value(entity.data, path, value),
        entity.scope_names,
    )
    for prop in bound_properties(edited, manifests):
        if prop.path == path:
            return prop
    return None


def _with_value(data: Mapping[str, Any], path: tuple[PathKey, ...], value: Any) -> dict[str, Any]:
    """A shallow copy of `data` with only the containers on `path` copied and `value` at its end."""
    root: dict[str, Any] = dict(data)
    container: Any = root
    for key in path[:-1]:
        inner = container[key]
        copied = dict(inner) if isinstance(inner, Mapping) else list(inner)
        container[key] = copied
        container = copied
    container[path[-1]] = value
    return root


def _all_cyclic(
    reads: Mapping[str, set[str]], is_recursion: Callable[[frozenset[str]], bool]
) -> dict[str, frozenset[str]]:
    """Tarjan's strongly connected components, iteratively; keeps the components with a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: dict[str, frozenset[str]] = {}
    counter = 0
    for root in reads:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(reads[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node_id, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(reads[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node_id] = min(low[node_id], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node_id])
            if low[node_id] == index[node_id]:
                members: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node_id:
                        break
                if len(members) > 1 or node_id in reads[node_id]:
                    component = frozenset(members)
                    if not is_recursion(component):
                        for member in members:
                            result[member] = component
    return result


def _cycle_path(start: str, component: frozenset[str], reads: Mapping[str, set[str]]) -> tuple[str, ...]:
    """The shortest path from `start` back to itself inside its component."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node_id = queue.popleft()
        for target in sorted(reads[node_id]):
            if target not in component:
                continue
            if target == start:
                chain = [node_id]
                cursor = node_id
                while cursor != start:
                    cursor = previous[cursor]
                    chain.append(cursor)
                chain.reverse()
                chain.append(start)
                return tuple(chain)
            if target not in previous:
                previous[target] = node_id
                queue.append(target)
    return (start, start)
