"""Widget types: their manifests (one JSON file per type) and the registry that loads them.

The manifests are the single source of truth for server validation, the editor's property pane,
autocomplete, the binding linter and the web runtime.
"""

from lowcraft.widgets.errors import ManifestError, WidgetError
from lowcraft.widgets.manifest import (
    GRID_COLUMNS,
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
