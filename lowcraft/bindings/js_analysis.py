"""What the analysis of one piece of JavaScript finds: the names it uses from outside, the JS
object members it defines, its scopes and its syntax problems (see `lowcraft.bindings.javascript`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class SourceKind(str, Enum):
    """How a piece of JavaScript is parsed."""

    EXPRESSION = "expression"
    """A data binding: the code between `{{ }}` of a non-event property."""
    STATEMENTS = "statements"
    """An event handler: the code between `{{ }}` of an event property."""
    JSOBJECT = "jsobject"
    """A JS object body: `export default { ... }`."""


@dataclass(frozen=True, slots=True)
class Use:
    """One use of a free name: a root identifier and the static property path read from it.

    Offsets are character offsets in the analysed source. `key_spans` holds the span of each path
    key (for `a["b"]`, the span of the characters between the quotes). `name` is `this` for a use of
    `this` inside a JS object member.
    """

    name: str
    path: tuple[str, ...]
    start: int
    end: int
    key_spans: tuple[tuple[int, int], ...]
    shorthand: bool
    """Written as a shorthand property (`{Table1}`): renaming must keep the key."""
    called: bool
    """The whole static chain is called (`Query1.run()`, `showAlert(...)`)."""
    scope: int
    """Index of the innermost scope around the use, in `SourceAnalysis.scopes`."""
    member: str | None
    """The top-level member of a JS object whose code holds the use, else None."""

    @property
    def dotted(self) -> str:
        """`name.key1.key2`."""
        return ".".join((self.name, *self.path))


@dataclass(frozen=True, slots=True)
class Member:
    """A top-level member of a JS object (`fmt(x) {...}`, `rate: 0.2`)."""

    name: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int
    is_function: bool
    key_is_string: bool
    """Written as `"name": ...`; a rename rewrites the characters between the quotes."""


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """Where the parser could not read the source (character offsets in the source)."""

    start: int
    end: int
    message: str


@dataclass(frozen=True, slots=True)
class Scope:
    """The names declared directly in one scope."""

    parent: int
    """Index of the enclosing scope, -1 for the outermost."""
    names: frozenset[str]


@dataclass(frozen=True, slots=True)
class SourceAnalysis:
    """Everything the analyser knows about one piece of JavaScript."""

    source: str
    kind: SourceKind
    uses: tuple[Use, ...]
    """Free names (and `this` in JS object members), in source order."""
    scopes: tuple[Scope, ...]
    members: tuple[Member, ...]
    """Top-level members, for a JS object; empty otherwise."""
    errors: tuple[SyntaxProblem, ...]

    def is_bound_at(self, use: Use, name: str) -> bool:
        """Whether `name` is declared in a scope enclosing `use` (a rename to it would be captured)."""
        index = use.scope
        while index >= 0:
            scope = self.scopes[index]
            if name in scope.names:
                return True
            index = scope.parent
        return False
