"""Widget types: their manifests (one JSON file per type) and the registry that loads them.

The manifests are the single source of truth for server validation, the editor's property pane,
autocomplete, the binding linter and the web runtime.

Importing the package loads none of it: each name loads its module on first use, so request paths
that only need the grid or a lookup do not pay for the manifest models at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lowcraft.lazy import make_lazy

if TYPE_CHECKING:
    from lowcraft.widgets.errors import ManifestError, WidgetError
    from lowcraft.widgets.grid import GRID_COLUMNS
    from lowcraft.widgets.manifest import (
        Blueprint,
        BlueprintChild,
        DefaultSize,
        EventSpec,
        PropertySpec,
        TypeHint,
        ValueSpec,
        WidgetManifest,
    )
    from lowcraft.widgets.registry import WidgetRegistry, registry
    from lowcraft.widgets.values import is_binding, value_problems

_HOMES = {
    "Blueprint": "lowcraft.widgets.manifest",
    "BlueprintChild": "lowcraft.widgets.manifest",
    "DefaultSize": "lowcraft.widgets.manifest",
    "EventSpec": "lowcraft.widgets.manifest",
    "PropertySpec": "lowcraft.widgets.manifest",
    "TypeHint": "lowcraft.widgets.manifest",
    "ValueSpec": "lowcraft.widgets.manifest",
    "WidgetManifest": "lowcraft.widgets.manifest",
    "GRID_COLUMNS": "lowcraft.widgets.grid",
    "ManifestError": "lowcraft.widgets.errors",
    "WidgetError": "lowcraft.widgets.errors",
    "WidgetRegistry": "lowcraft.widgets.registry",
    "is_binding": "lowcraft.widgets.values",
    "registry": "lowcraft.widgets.registry",
    "value_problems": "lowcraft.widgets.values",
}


make_lazy(__name__, _HOMES)

__all__ = [
    "GRID_COLUMNS",
    "Blueprint",
    "BlueprintChild",
    "DefaultSize",
    "EventSpec",
    "ManifestError",
    "PropertySpec",
    "TypeHint",
    "ValueSpec",
    "WidgetError",
    "WidgetManifest",
    "WidgetRegistry",
    "is_binding",
    "registry",
    "value_problems",
]
