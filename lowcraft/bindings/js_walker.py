"""The scope walk over a tree-sitter syntax tree of JavaScript: declares names into scopes
(locals, parameters, destructured names, function and class names, catch parameters) and
collects the uses of names that remain free, which references, lint and rename work from."""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

from lowcraft.bindings.js_analysis import Member, SourceKind, Use


class Offsets:
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


class ScopeWalker:
    """One pass over the tree: declares names into scopes and collects candidate uses.

    Uses are resolved after the pass, because `var` and function declarations are visible in
    their whole scope, also before the line that declares them.
    """

    def __init__(self, offsets: Offsets, kind: SourceKind) -> None:
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
