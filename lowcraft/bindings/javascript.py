"""Reading one piece of JavaScript: which outside names it uses, and where.

A binding is parsed as an expression, an event handler as statements and a JS object as a module
(`export default { ... }`). The walk tracks scopes so that locals, parameters, destructured names,
function and class names and catch parameters are told apart from the names an app provides; what
remains (the free names) is what references, lint and rename work from.

Results are cached by (source, kind): an application repeats the same binding texts, and a property
edit re-analyses only the one text that changed.
"""

from __future__ import annotations

from functools import lru_cache

import tree_sitter
import tree_sitter_javascript

from lowcraft.bindings.js_analysis import Scope, SourceAnalysis, SourceKind, SyntaxProblem
from lowcraft.bindings.js_walker import Offsets, ScopeWalker

_LANGUAGE = tree_sitter.Language(tree_sitter_javascript.language())
_PARSER = tree_sitter.Parser(_LANGUAGE)

# A data binding is an expression: wrapping it in parentheses makes `{a: 1}` an object, not a block,
# and makes statements a syntax error. The newline keeps a trailing `// comment` from eating `)`.
_EXPRESSION_PREFIX = "(\n"
_EXPRESSION_SUFFIX = "\n)"


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
    offsets = Offsets(code, data, shift, len(source))
    walker = ScopeWalker(offsets, kind)
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
        walker = ScopeWalker(offsets, kind)
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


def _is_one_expression(root: tree_sitter.Node, size: int) -> bool:
    if root.named_child_count != 1:
        return False
    statement = root.named_children[0]
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return False
    inner = statement.named_children[0]
    return inner.type == "parenthesized_expression" and inner.start_byte == 0 and inner.end_byte == size


def _syntax_problems(root: tree_sitter.Node, offsets: Offsets) -> list[SyntaxProblem]:
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
