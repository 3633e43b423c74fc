"""References of a property value: which entities, app globals and JS globals its bindings read.

A property value may mix text and several `{{ }}` bindings (`Hello {{user.name}}!`); a JS object
body is one piece of code. Positions here are character offsets in the property value.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum

from lowcraft.bindings.javascript import analyze
from lowcraft.bindings.js_analysis import SourceAnalysis, SourceKind, SyntaxProblem, Use
from lowcraft.bindings.known_names import APP_GLOBALS, JS_GLOBALS
from lowcraft.bindings.segments import iter_segments


class ReferenceKind(str, Enum):
    """What a free name refers to."""

    ENTITY = "entity"
    """A widget, action or JS object of the application."""
    APP_GLOBAL = "appGlobal"
    """The `appsmith` object or an app function (`showAlert`, `storeValue`, ...)."""
    JS_GLOBAL = "jsGlobal"
    """The JavaScript runtime or a bundled library (`Math`, `JSON`, `moment`, `_`)."""
    UNKNOWN = "unknown"
    """Defined nowhere: not an entity of the application, not a global."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A name read by a binding and the static property path read from it (`Table1.selectedRow.id`)."""

    name: str
    path: tuple[str, ...]
    kind: ReferenceKind
    start: int
    """Offset of the root identifier in the property value."""
    end: int
    called: bool
    """The whole static chain is called (`Query1.run()`, `showAlert()`)."""
    member: str | None
    """For a JS object: the member whose code holds the reference."""

    @property
    def dotted(self) -> str:
        """`name.key1.key2`."""
        return ".".join((self.name, *self.path))


@dataclass(frozen=True, slots=True)
class PieceOfCode:
    """One parsed piece of a property value: a binding's code, or a whole JS object body."""

    offset: int
    """Where the code starts in the property value."""
    analysis: SourceAnalysis


@dataclass(frozen=True, slots=True)
class PropertyReferences:
    """Everything found in one property value."""

    references: tuple[Reference, ...]
    errors: tuple[SyntaxProblem, ...]
    """Syntax errors, positioned in the property value."""

    def of_kind(self, kind: ReferenceKind) -> list[str]:
        """Dotted references of one kind, without duplicates, in order of first appearance."""
        return list(dict.fromkeys(r.dotted for r in self.references if r.kind is kind))


def pieces(value: str, kind: SourceKind) -> list[PieceOfCode]:
    """Parse each piece of JavaScript in a property value (cached by source text)."""
    if kind is SourceKind.JSOBJECT:
        return [PieceOfCode(0, analyze(value, kind))]
    if "{{" not in value:
        return []
    return [PieceOfCode(s.code_start, analyze(s.source, kind)) for s in iter_segments(value) if s.is_binding]


def classify(name: str, entities: Collection[str] | None, library_globals: Collection[str] = ()) -> ReferenceKind:
    """What `name` refers to, given the application's entity names (None: any other name is one)
    and the globals its JS libraries define (`application.jsLibraries[].accessor`)."""
    if entities is not None and name in entities:
        return ReferenceKind.ENTITY
    if name in APP_GLOBALS:
        return ReferenceKind.APP_GLOBAL
    if name in JS_GLOBALS or name in library_globals:
        return ReferenceKind.JS_GLOBAL
    return ReferenceKind.ENTITY if entities is None else ReferenceKind.UNKNOWN


def extract_references(
    value: str,
    kind: SourceKind | str = SourceKind.EXPRESSION,
    entities: Collection[str] | None = None,
    *,
    this_name: str | None = None,
    scope_names: Collection[str] = (),
    library_globals: Collection[str] = (),
) -> PropertyReferences:
    """The references of a property value.

    `entities`: the application's entity names (None treats every non-global free name as one).
    `this_name`: for a JS object body, the object's name (`this.x` becomes `<this_name>.x`).
    `scope_names`: names the runtime defines for this property (a list item's `currentItem`).
    `library_globals`: the globals the application's JS libraries define (JS globals for it).
    """
    kind = SourceKind(kind)
    references: list[Reference] = []
    errors: list[SyntaxProblem] = []
    for piece in pieces(value, kind):
        base = piece.offset
        errors.extend(SyntaxProblem(base + e.start, base + e.end, e.message) for e in piece.analysis.errors)
        for use in piece.analysis.uses:
            reference = _reference(use, base, entities, this_name, scope_names, library_globals)
            if reference is not None:
                references.append(reference)
    return PropertyReferences(tuple(references), tuple(errors))


def _reference(
    use: Use,
    base: int,
    entities: Collection[str] | None,
    this_name: str | None,
    scope_names: Collection[str],
    library_globals: Collection[str],
) -> Reference | None:
    name = use.name
    if name == "this":
        if this_name is None:
            return None
        name = this_name
        kind = ReferenceKind.ENTITY
    elif name in scope_names:
        return None
    else:
        kind = classify(name, entities, library_globals)
    return Reference(name, use.path, kind, base + use.start, base + use.end, use.called, use.member)
