"""The registry of widget types, loaded once from the manifest files shipped with the package."""

from __future__ import annotations

import json
import threading
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from lowcraft.widgets.errors import ManifestError
from lowcraft.widgets.values import is_binding, value_problems

if TYPE_CHECKING:
    from lowcraft.widgets.manifest import BlueprintChild, WidgetManifest

_PACKAGED = "manifests"


class WidgetRegistry:
    """All known widget types, by type name."""

    def __init__(self, manifests: list[WidgetManifest]) -> None:
        self._by_type: dict[str, WidgetManifest] = {}
        for manifest in manifests:
            if manifest.type in self._by_type:
                raise ManifestError(manifest.type, f"widget type {manifest.type} is declared twice")
            self._by_type[manifest.type] = manifest
        for manifest in manifests:
            if manifest.blueprint is not None:
                for index, child in enumerate(manifest.blueprint.children):
                    problem = self._blueprint_problem(child)
                    if problem:
                        raise ManifestError(f"{manifest.type}.json", f"blueprint.children.{index}: {problem}")
        self._sorted = [self._by_type[name] for name in sorted(self._by_type)]
        self._json: list[dict[str, Any]] | None = None

    @classmethod
    def load(cls, path: Path | Traversable | None = None) -> WidgetRegistry:
        """Read every `*.json` manifest in `path` (default: the manifests shipped with Lowcraft).

        Raises ManifestError naming the first file that is unreadable, invalid, inconsistent, named
        differently from its type, or that repeats a type declared by another file.
        """
        folder = path if path is not None else resources.files("lowcraft.widgets") / _PACKAGED
        if not folder.is_dir():
            raise ManifestError(str(folder), "the manifest folder does not exist")
        files = sorted(
            (entry for entry in folder.iterdir() if entry.name.endswith(".json")), key=lambda f: f.name
        )
        manifests: list[WidgetManifest] = []
        origin: dict[str, str] = {}
        for file in files:
            manifest = _read(file)
            if manifest.type in origin:
                raise ManifestError(
                    file.name, f"widget type {manifest.type} is already declared by {origin[manifest.type]}"
                )
            if file.name != f"{manifest.type}.json":
                raise ManifestError(
                    file.name, f"declares type {manifest.type}; the file must be named {manifest.type}.json"
                )
            origin[manifest.type] = file.name
            manifests.append(manifest)
        return cls(manifests)

    def _blueprint_problem(self, child: BlueprintChild) -> str | None:
        """Why a blueprint child cannot be built from the registered types, or None when it can."""
        manifest = self._by_type.get(child.type)
        if manifest is None:
            return f"unknown widget type {child.type}"
        if manifest.is_internal:
            return f"{child.type} is internal and cannot be placed in a blueprint"
        for name, value in child.properties.items():
            spec = manifest.property(name)
            if spec is not None:
                if spec.bindable and is_binding(value):
                    continue
                problems = value_problems(value, spec, f"properties.{name}")
                if problems:
                    return "; ".join(problems)
            elif name in manifest.event_names():
                if not isinstance(value, str):
                    return f"properties.{name}: an event handler must be a string"
            else:
                return f"properties.{name}: {child.type} has no property {name!r}"
        return None

    def get(self, widget_type: str) -> WidgetManifest | None:
        """The manifest of `widget_type`, or None for an unknown type."""
        return self._by_type.get(widget_type)

    def __contains__(self, widget_type: object) -> bool:
        return widget_type in self._by_type

    def __len__(self) -> int:
        return len(self._by_type)

    def all(self) -> list[WidgetManifest]:
        """Every manifest, sorted by type name."""
        return list(self._sorted)

    def types(self) -> frozenset[str]:
        """Every registered type name."""
        return frozenset(self._by_type)

    def as_json(self) -> list[dict[str, Any]]:
        """The manifests as the API serves them (camelCase keys, unset hints left out).

        Computed on first use and shared afterwards: callers must not modify the result.
        """
        if self._json is None:
            self._json = [m.model_dump(mode="json", by_alias=True, exclude_none=True) for m in self._sorted]
        return self._json


def _read(file: Traversable) -> WidgetManifest:
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(file.name, f"cannot be read ({error})") from error
    except json.JSONDecodeError as error:
        raise ManifestError(file.name, f"is not valid JSON ({error})") from error
    try:
        from lowcraft.widgets.manifest import WidgetManifest  # its models load with the first manifest

        return WidgetManifest.model_validate(document)
    except ValidationError as error:
        raise ManifestError(file.name, _describe(error)) from error


def _describe(error: ValidationError) -> str:
    lines = []
    for problem in error.errors(include_url=False):
        where = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {message}" if where else message)
    return "; ".join(lines)


class _PackagedRegistry(WidgetRegistry):
    """The manifests shipped with Lowcraft, read and checked when first asked for.

    Reading them at import (with the manifest models' validators) cost 7 ms and 1.2 MB of every
    server start (bench/startup.py); a server first needs them for the editor or a page save.
    """

    def __init__(self) -> None:  # the registry's state arrives with the first lookup
        self._loading = threading.Lock()

    def __getattr__(self, attribute: str) -> Any:
        # Only reached for attributes not set yet: before the load, the registry's state.
        with self._loading:
            if "_by_type" not in self.__dict__:
                self.__dict__.update(vars(WidgetRegistry.load()))
        return object.__getattribute__(self, attribute)


registry: WidgetRegistry = _PackagedRegistry()
