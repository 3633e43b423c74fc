"""Binding analysis: `{{ }}` segments, references, dependency graph, rename refactor, lint.

The public surface is what `__all__` lists; the modules behind it are free to change.

Importing the package loads none of it: the server imports `lowcraft.bindings.segments` on its
request path, and the analyser behind the rest (tree-sitter, the graph, lint with every widget's
manifest) costs start-up time that only editing and checking need. Each name loads its module on
first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lowcraft.lazy import make_lazy

if TYPE_CHECKING:
    from lowcraft.bindings.entities import BoundProperty, Entity, EntityKind, ManifestLookup, iter_entities
    from lowcraft.bindings.errors import (
        AmbiguousNameError,
        BindingError,
        InvalidDocumentError,
        InvalidNameError,
        NameTakenError,
        RenameConflictError,
        UnknownEntityError,
    )
    from lowcraft.bindings.graph import AppGraph, Cycle, Node, NodeRole, page_graphs
    from lowcraft.bindings.javascript import analyze
    from lowcraft.bindings.js_analysis import SourceKind, SyntaxProblem
    from lowcraft.bindings.lint import lint, lint_graph
    from lowcraft.bindings.onload import OnLoadPlan, on_load_plan
    from lowcraft.bindings.references import PropertyReferences, Reference, ReferenceKind, extract_references
    from lowcraft.bindings.rename import check_new_name, page_of, rename, rename_in_text
    from lowcraft.bindings.results import Change, Diagnostic, Severity
    from lowcraft.bindings.segments import (
        Segment,
        binding_sources,
        has_binding,
        is_single_binding,
        iter_segments,
    )

_HOMES = {
    "AmbiguousNameError": "lowcraft.bindings.errors",
    "page_graphs": "lowcraft.bindings.graph",
    "page_of": "lowcraft.bindings.rename",
    "AppGraph": "lowcraft.bindings.graph",
    "BindingError": "lowcraft.bindings.errors",
    "BoundProperty": "lowcraft.bindings.entities",
    "Change": "lowcraft.bindings.results",
    "Cycle": "lowcraft.bindings.graph",
    "Diagnostic": "lowcraft.bindings.results",
    "Entity": "lowcraft.bindings.entities",
    "EntityKind": "lowcraft.bindings.entities",
    "InvalidDocumentError": "lowcraft.bindings.errors",
    "InvalidNameError": "lowcraft.bindings.errors",
    "ManifestLookup": "lowcraft.bindings.entities",
    "NameTakenError": "lowcraft.bindings.errors",
    "Node": "lowcraft.bindings.graph",
    "NodeRole": "lowcraft.bindings.graph",
    "OnLoadPlan": "lowcraft.bindings.onload",
    "PropertyReferences": "lowcraft.bindings.references",
    "Reference": "lowcraft.bindings.references",
    "ReferenceKind": "lowcraft.bindings.references",
    "RenameConflictError": "lowcraft.bindings.errors",
    "Segment": "lowcraft.bindings.segments",
    "Severity": "lowcraft.bindings.results",
    "SourceKind": "lowcraft.bindings.js_analysis",
    "SyntaxProblem": "lowcraft.bindings.js_analysis",
    "UnknownEntityError": "lowcraft.bindings.errors",
    "analyze": "lowcraft.bindings.javascript",
    "binding_sources": "lowcraft.bindings.segments",
    "check_new_name": "lowcraft.bindings.rename",
    "extract_references": "lowcraft.bindings.references",
    "has_binding": "lowcraft.bindings.segments",
    "is_single_binding": "lowcraft.bindings.segments",
    "iter_entities": "lowcraft.bindings.entities",
    "iter_segments": "lowcraft.bindings.segments",
    "lint": "lowcraft.bindings.lint",
    "lint_graph": "lowcraft.bindings.lint",
    "on_load_plan": "lowcraft.bindings.onload",
    "rename": "lowcraft.bindings.rename",
    "rename_in_text": "lowcraft.bindings.rename",
}

make_lazy(__name__, _HOMES)

__all__ = [
    "AmbiguousNameError",
    "AppGraph",
    "BindingError",
    "BoundProperty",
    "Change",
    "Cycle",
    "Diagnostic",
    "Entity",
    "EntityKind",
    "InvalidDocumentError",
    "InvalidNameError",
    "ManifestLookup",
    "NameTakenError",
    "Node",
    "NodeRole",
    "OnLoadPlan",
    "PropertyReferences",
    "Reference",
    "ReferenceKind",
    "RenameConflictError",
    "Segment",
    "Severity",
    "SourceKind",
    "SyntaxProblem",
    "UnknownEntityError",
    "analyze",
    "binding_sources",
    "check_new_name",
    "extract_references",
    "has_binding",
    "is_single_binding",
    "iter_entities",
    "iter_segments",
    "lint",
    "lint_graph",
    "on_load_plan",
    "page_graphs",
    "page_of",
    "rename",
    "rename_in_text",
]
