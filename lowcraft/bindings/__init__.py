"""Binding analysis: `{{ }}` segments, references, dependency graph, rename refactor, lint.

The public surface is what `__all__` lists; the modules behind it are free to change.
"""

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
from lowcraft.bindings.lint import Diagnostic, Severity, lint, lint_graph
from lowcraft.bindings.onload import OnLoadPlan, on_load_plan
from lowcraft.bindings.references import PropertyReferences, Reference, ReferenceKind, extract_references
from lowcraft.bindings.rename import Change, check_new_name, page_of, rename, rename_in_text
from lowcraft.bindings.segments import Segment, binding_sources, has_binding, is_single_binding, iter_segments

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
