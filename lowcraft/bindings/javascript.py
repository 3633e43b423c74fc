"""Reading one piece of JavaScript: which outside names it uses, and where.

A binding is parsed as an expression, an event handler as statements and a JS object as a module
(`export default { ... }`). The walk tracks scopes so that locals, parameters, destructured names,
function and class names and catch parameters are told apart from the names an app provides; what
remains (the free names) is what references, lint and rename work from.

Results are cached by (source, kind): an application repeats the same binding texts, and a property
edit re-analyses only the one text that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import tree_sitter
import tree_sitter_javascript

_LANGUAGE = tree_sitter.Language(tree_sitter_javascript.language())
_PARSER = tree_sitter.Parser(_LANGUAGE)

# A data binding is an expression: wrapping it in parentheses makes `{a: 1}` an object, not a block,
# and makes statements a syntax error. The newline keeps a trailing `// comment` from eating `)`.
_EXPRESSION_PREFIX = "(\n"
_EXPRESSION_SUFFIX = "\n)"


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


def analyze(source: str, kind: SourceKind | str = SourceKind.EXPRESSION) -> SourceAnalysis:
    """Parse `source` as `kind` and list its free names; syntax errors are reported, never raised."""
    return _analyze_cached(source, SourceKind(kind))


def parse_only(source: str, kind: SourceKind | str = SourceKind.EXPRESSION) -> bool:
    """Parse without analysing (a baseline for benchmarks); True when the source has no error."""
    code = _wrap(source, SourceKind(kind))
    return not _PARSER.parse(code.encode("utf-8")).root_node.has_error


def clear_cache() -> None:
    """Forget every cached analysis (for benchmarks and memory-conscious callers)."""
    _analyze_cached.cache_clear()


def _wrap(source: str, kind: SourceKind) -> str:
    if kind is SourceKind.EXPRESSION:
        return _EXPRESSION_PREFIX + source + _EXPRESSION_SUFFIX
    return source


@lru_cache(maxsize=1 << 16)
def _analyze_cached(source: str, kind: SourceKind) -> SourceAnalysis:
    code = _wrap(source, kind)
    data = code.encode("utf-8")
    tree = _PARSER.parse(data)
    shift = len(_EXPRESSION_PREFIX) if kind is SourceKind.EXPRESSION else 0
    offsets = _Offsets(code, data, shift, len(source))
    walker = _Walker(offsets, kind)
    root = tree.root_node
    errors: list[SyntaxProblem] = []
    if root.has_error:
        errors.extend(_syntax_problems(root, offsets))
    elif kind is SourceKind.EXPRESSION and not _is_one_expression(root, len(data)):
        errors.append(SyntaxProblem(0, len(source), "a binding must be a single expression"))
    try:
        if kind is SourceKind.JSOBJECT:
            body = _export_default_object(root)
            if body is None and not errors:
                errors.append(SyntaxProblem(0, len(source), "a JS object must be `export default { ... }`"))
            walker.walk_module(root, body)
        else:
            walker.walk_program(root)
    except RecursionError:
        # The walk recurses once or twice per level of syntax, so code nested several hundred
        # levels deep (`((((...))))`, `a+a+...+a` in a 1 MB binding) exhausts Python's stack.
        # Such code is reported, like a syntax error, instead of failing the request; its names
        # are not known to references, lint and rename. Real code nests a few dozen levels.
        walker = _Walker(offsets, kind)
        errors = [SyntaxProblem(0, len(source), "the code nests too deeply for the server to analyse it")]
    uses = walker.resolve()
    return SourceAnalysis(
        source=source,
        kind=kind,
        uses=uses,
        scopes=tuple(Scope(p, frozenset(n)) for p, n in zip(walker.parents, walker.names, strict=True)),
        members=tuple(walker.members),
        errors=tuple(errors),
    )


class _Offsets:
    """Turns tree-sitter byte offsets in the wrapped code into character offsets in the source."""

    def __init__(self, code: str, data: bytes, shift: int, length: int) -> None:
        self.shift = shift
        self.length = length
        self.char_of: list[int] | None = None
        if len(data) != len(code):
            table = []
            for index, char in enumerate(code):
                table.extend([index] * len(char.encode("utf-8")))
            table.append(len(code))
            self.char_of = table

    def __call__(self, byte: int) -> int:
        char = byte if self.char_of is None else self.char_of[byte]
        return min(max(char - self.shift, 0), self.length)


def _is_one_expression(root: tree_sitter.Node, size: int) -> bool:
    if root.named_child_count != 1:
        return False
    statement = root.named_children[0]
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return False
    inner = statement.named_children[0]
    return inner.type == "parenthesized_expression" and inner.start_byte == 0 and inner.end_byte == size


def _syntax_problems(root: tree_sitter.Node, offsets: _Offsets) -> list[SyntaxProblem]:
    problems: list[SyntaxProblem] = []
    stack = [root]
    while stack and len(problems) < 5:
        node = stack.pop()
        if node.is_missing:
            at = offsets(node.start_byte)
            problems.append(SyntaxProblem(at, at, f"missing {node.type!r}"))
        elif node.is_error:
            start, end = offsets(node.start_byte), offsets(node.end_byte)
            text = node.text.decode("utf-8", "replace") if node.text else ""
            shown = text.strip().splitlines()[0][:30] if text.strip() else ""
            message = f"unexpected {shown!r}" if shown else "unexpected end of code"
            problems.append(SyntaxProblem(start, end, message))
        elif node.has_error:
            stack.extend(reversed(node.children))
    if not problems:
        problems.append(SyntaxProblem(0, offsets.length, "invalid JavaScript"))
    problems.sort(key=lambda p: (p.start, p.end))
    return problems


def _export_default_object(root: tree_sitter.Node) -> tree_sitter.Node | None:
    for statement in root.named_children:
        if statement.type == "export_statement" and any(c.type == "default" for c in statement.children):
            value = statement.child_by_field_name("value")
            if value is not None and value.type == "object":
                return value
    return None


def _text(node: tree_sitter.Node) -> str:
    raw = node.text
    return raw.decode("utf-8") if raw is not None else ""


_FUNCTION_EXPRESSIONS = frozenset({"function_expression", "function", "generator_function"})
_FUNCTION_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration"})
_MEMBER_TYPES = frozenset({"member_expression", "subscript_expression"})
_LEAVES = frozenset(
    {
        "property_identifier",
        "private_property_identifier",
        "statement_identifier",
        "number",
        "regex",
        "true",
        "false",
        "null",
        "undefined",
        "super",
        "comment",
        "hash_bang_line",
        "string_fragment",
        "escape_sequence",
        "html_comment",
        "meta_property",
        "optional_chain",
    }
)


@dataclass(slots=True)
class _PendingUse:
    node_start: int
    node_end: int
    name: str
    path: tuple[str, ...]
    key_spans: tuple[tuple[int, int], ...]
    shorthand: bool
    called: bool
    scope: int
    member: str | None


class _Walker:
    """One pass over the tree: declares names into scopes and collects candidate uses.

    Uses are resolved after the pass, because `var` and function declarations are visible in
    their whole scope, also before the line that declares them.
    """

    def __init__(self, offsets: _Offsets, kind: SourceKind) -> None:
        self.offsets = offsets
        self.kind = kind
        self.parents: list[int] = []
        self.names: list[set[str]] = []
        self.is_function: list[bool] = []
        self.pending: list[_PendingUse] = []
        self.members: list[Member] = []
        self.member: str | None = None
        self.this_is_object = False

    # scopes -----------------------------------------------------------------------------------

    def new_scope(self, parent: int, is_function: bool) -> int:
        self.parents.append(parent)
        self.names.append(set())
        self.is_function.append(is_function)
        return len(self.parents) - 1

    def declare(self, scope: int, name: str) -> None:
        self.names[scope].add(name)

    def function_scope(self, scope: int) -> int:
        while scope > 0 and not self.is_function[scope]:
            scope = self.parents[scope]
        return scope

    def declare_pattern(self, node: tree_sitter.Node, target: int, scope: int) -> None:
        """Declare every name bound by a binding pattern into `target`; defaults are visited in `scope`."""
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            self.declare(target, _text(node))
        elif kind in ("object_pattern", "array_pattern"):
            for child in node.named_children:
                self.declare_pattern(child, target, scope)
        elif kind == "pair_pattern":
            key = node.child_by_field_name("key")
            if key is not None and key.type == "computed_property_name":
                self.visit(key, scope)
            value = node.child_by_field_name("value")
            if value is not None:
                self.declare_pattern(value, target, scope)
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None:
                self.declare_pattern(left, target, scope)
            if right is not None:
                self.visit(right, scope)
        elif kind == "rest_pattern":
            for child in node.named_children:
                self.declare_pattern(child, target, scope)
        elif kind in _MEMBER_TYPES:
            # `for (a.b of list)` assigns to a property: a use, not a declaration.
            self.visit(node, scope)

    # entry points -----------------------------------------------------------------------------

    def walk_program(self, root: tree_sitter.Node) -> None:
        scope = self.new_scope(-1, True)
        for child in root.named_children:
            self.visit(child, scope)

    def walk_module(self, root: tree_sitter.Node, body: tree_sitter.Node | None) -> None:
        scope = self.new_scope(-1, True)
        for statement in root.named_children:
            if body is not None and statement.type == "export_statement" and body.parent == statement:
                self.visit_object_members(body, scope)
            else:
                self.visit(statement, scope)

    def visit_object_members(self, body: tree_sitter.Node, scope: int) -> None:
        for child in body.named_children:
            kind = child.type
            if kind == "method_definition":
                name_node = child.child_by_field_name("name")
                if name_node is not None:
                    self.member = self.record_member(name_node, child, True)
                    self.visit_function(child, scope, this_is_object=True)
            elif kind == "pair":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                if key is None or value is None:
                    continue
                is_function = value.type in _FUNCTION_EXPRESSIONS or value.type == "arrow_function"
                self.member = self.record_member(key, value, is_function)
                if is_function:
                    self.visit_function(value, scope, this_is_object=True)
                else:
                    self.visit_with_this(value, scope)
            elif kind == "shorthand_property_identifier":
                self.member = self.record_member(child, child, False)
                self.visit(child, scope)
            else:
                self.visit(child, scope)
            self.member = None

    def record_member(self, key: tree_sitter.Node, value: tree_sitter.Node, is_function: bool) -> str | None:
        key_is_string = key.type == "string"
        if key.type in ("property_identifier", "shorthand_property_identifier", "identifier"):
            name = _text(key)
            start, end = key.start_byte, key.end_byte
        elif key_is_string:
            name = _text(key)[1:-1]
            start, end = key.start_byte + 1, key.end_byte - 1
        else:
            if key.type == "computed_property_name":
                self.visit(key, 0)
            return None
        self.members.append(
            Member(
                name=name,
                key_start=self.offsets(start),
                key_end=self.offsets(end),
                value_start=self.offsets(value.start_byte),
                value_end=self.offsets(value.end_byte),
                is_function=is_function,
                key_is_string=key_is_string,
            )
        )
        return name

    def visit_with_this(self, node: tree_sitter.Node, scope: int) -> None:
        saved = self.this_is_object
        self.this_is_object = True
        self.visit(node, scope)
        self.this_is_object = saved

    # the walk ---------------------------------------------------------------------------------

    def visit(self, node: tree_sitter.Node, scope: int) -> None:
        kind = node.type
        if kind in _LEAVES:
            return
        if kind == "identifier":
            self.add_use(node, _text(node), (), (), False, False, scope)
        elif kind in ("shorthand_property_identifier", "shorthand_property_identifier_pattern"):
            self.add_use(node, _text(node), (), (), True, False, scope)
        elif kind in _MEMBER_TYPES:
            self.visit_chain(node, scope, called=False)
        elif kind == "call_expression":
            callee = node.child_by_field_name("function")
            if callee is not None:
                if callee.type in _MEMBER_TYPES:
                    self.visit_chain(callee, scope, called=True)
                elif callee.type == "identifier":
                    self.add_use(callee, _text(callee), (), (), False, True, scope)
                else:
                    self.visit(callee, scope)
            for child in node.named_children:
                if child != callee:
                    self.visit(child, scope)
        elif kind == "this":
            if self.this_is_object:
                self.add_use(node, "this", (), (), False, False, scope)
        elif kind == "statement_block" or kind == "switch_body" or kind == "class_body":
            inner = self.new_scope(scope, False)
            if kind == "class_body":
                saved = self.this_is_object
                self.this_is_object = False
                self.visit_children(node, inner)
                self.this_is_object = saved
            else:
                self.visit_children(node, inner)
        elif kind in ("variable_declaration", "lexical_declaration"):
            target = self.function_scope(scope) if kind == "variable_declaration" else scope
            for declarator in node.named_children:
                if declarator.type != "variable_declarator":
                    continue
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if name is not None:
                    self.declare_pattern(name, target, scope)
                if value is not None:
                    self.visit(value, scope)
        elif kind in _FUNCTION_DECLARATIONS:
            name = node.child_by_field_name("name")
            if name is not None:
                self.declare(scope, _text(name))
            self.visit_function(node, scope, this_is_object=False)
        elif kind in _FUNCTION_EXPRESSIONS or kind == "method_definition":
            self.visit_function(node, scope, this_is_object=False)
        elif kind == "arrow_function":
            self.visit_function(node, scope, this_is_object=self.this_is_object)
        elif kind in ("class_declaration", "class"):
            name = node.child_by_field_name("name")
            inner = scope
            if kind == "class":
                inner = self.new_scope(scope, False)
            if name is not None:
                self.declare(inner, _text(name))
            for child in node.named_children:
                if child != name:
                    self.visit(child, inner)
        elif kind == "catch_clause":
            inner = self.new_scope(scope, False)
            parameter = node.child_by_field_name("parameter")
            if parameter is not None:
                self.declare_pattern(parameter, inner, inner)
            body = node.child_by_field_name("body")
            if body is not None:
                self.visit(body, inner)
        elif kind == "for_statement":
            self.visit_children(node, self.new_scope(scope, False))
        elif kind == "for_in_statement":
            inner = self.new_scope(scope, False)
            left = node.child_by_field_name("left")
            declared_by = node.child_by_field_name("kind")
            for child in node.named_children:
                if child == left and declared_by is not None:
                    target = self.function_scope(inner) if _text(declared_by) == "var" else inner
                    self.declare_pattern(child, target, inner)
                else:
                    self.visit(child, inner)
        elif kind == "import_statement":
            self.declare_imports(node, scope)
        elif kind == "pair":
            key = node.child_by_field_name("key")
            value = node.child_by_field_name("value")
            if key is not None and key.type == "computed_property_name":
                self.visit(key, scope)
            if value is not None:
                self.visit(value, scope)
        elif kind == "field_definition":
            for child in node.named_children:
                if child.type != "property_identifier":
                    self.visit(child, scope)
        else:
            self.visit_children(node, scope)

    def visit_children(self, node: tree_sitter.Node, scope: int) -> None:
        for child in node.named_children:
            self.visit(child, scope)

    def visit_function(self, node: tree_sitter.Node, scope: int, *, this_is_object: bool) -> None:
        inner = self.new_scope(scope, True)
        if node.type in _FUNCTION_EXPRESSIONS:
            name = node.child_by_field_name("name")
            if name is not None:
                self.declare(inner, _text(name))
        elif node.type == "method_definition":
            name = node.child_by_field_name("name")
            if name is not None and name.type == "computed_property_name":
                self.visit(name, scope)
        saved = self.this_is_object
        self.this_is_object = this_is_object
        parameter = node.child_by_field_name("parameter")
        if parameter is not None:
            self.declare_pattern(parameter, inner, inner)
        parameters = node.child_by_field_name("parameters")
        if parameters is not None:
            for child in parameters.named_children:
                self.declare_pattern(child, inner, inner)
        body = node.child_by_field_name("body")
        if body is not None:
            if body.type == "statement_block":
                # The body shares the parameters' scope: `function f(a) { let a }` is an error anyway.
                self.visit_children(body, inner)
            else:
                self.visit(body, inner)
        self.this_is_object = saved

    def declare_imports(self, node: tree_sitter.Node, scope: int) -> None:
        stack = list(node.named_children)
        while stack:
            child = stack.pop()
            if child.type == "import_specifier":
                alias = child.child_by_field_name("alias") or child.child_by_field_name("name")
                if alias is not None:
                    self.declare(scope, _text(alias))
            elif child.type == "identifier":
                self.declare(scope, _text(child))
            elif child.type in ("import_clause", "named_imports", "namespace_import"):
                stack.extend(child.named_children)

    def visit_chain(self, node: tree_sitter.Node, scope: int, *, called: bool) -> None:
        """A member chain `a.b["c"][d].e`: the root's use with its static path, then computed keys."""
        keys: list[tuple[str, int, int] | None] = []
        current = node
        while current.type in _MEMBER_TYPES:
            if current.type == "member_expression":
                prop = current.child_by_field_name("property")
                if prop is not None and prop.type == "property_identifier":
                    keys.append((_text(prop), prop.start_byte, prop.end_byte))
                else:
                    keys.append(None)
            else:
                index = current.child_by_field_name("index")
                static = _static_string(index)
                if static is not None and index is not None:
                    keys.append((static, index.start_byte + 1, index.end_byte - 1))
                else:
                    keys.append(None)
                    if index is not None:
                        self.visit(index, scope)
            obj = current.child_by_field_name("object")
            if obj is None:
                return
            # `(Table1).x` reads Table1.x just like `Table1.x`.
            while obj.type == "parenthesized_expression" and obj.named_child_count == 1:
                obj = obj.named_children[0]
            current = obj
        keys.reverse()
        path: list[str] = []
        spans: list[tuple[int, int]] = []
        for key in keys:
            if key is None:
                break
            path.append(key[0])
            spans.append((key[1], key[2]))
        whole = called and len(path) == len(keys)
        if current.type == "identifier":
            self.add_use(current, _text(current), tuple(path), tuple(spans), False, whole, scope)
        elif current.type == "this":
            if self.this_is_object:
                self.add_use(current, "this", tuple(path), tuple(spans), False, whole, scope)
        else:
            self.visit(current, scope)

    def add_use(
        self,
        node: tree_sitter.Node,
        name: str,
        path: tuple[str, ...],
        key_spans: tuple[tuple[int, int], ...],
        shorthand: bool,
        called: bool,
        scope: int,
    ) -> None:
        self.pending.append(
            _PendingUse(
                node.start_byte, node.end_byte, name, path, key_spans, shorthand, called, scope, self.member
            )
        )

    def resolve(self) -> tuple[Use, ...]:
        uses: list[Use] = []
        at = self.offsets
        for p in self.pending:
            if p.name != "this" and self.bound(p.scope, p.name):
                continue
            uses.append(
                Use(
                    name=p.name,
                    path=p.path,
                    start=at(p.node_start),
                    end=at(p.node_end),
                    key_spans=tuple((at(s), at(e)) for s, e in p.key_spans),
                    shorthand=p.shorthand,
                    called=p.called,
                    scope=p.scope,
                    member=p.member,
                )
            )
        uses.sort(key=lambda u: u.start)
        return tuple(uses)

    def bound(self, scope: int, name: str) -> bool:
        while scope >= 0:
            if name in self.names[scope]:
                return True
            scope = self.parents[scope]
        return False


def _static_string(node: tree_sitter.Node | None) -> str | None:
    """The value of a plain string literal (`"key"`), or None for anything computed or escaped."""
    if node is None or node.type != "string":
        return None
    parts = node.named_children
    if not parts:
        return ""
    if len(parts) == 1 and parts[0].type == "string_fragment":
        return _text(parts[0])
    return None
