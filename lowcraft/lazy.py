"""Packages whose public names load on first use.

`lowcraft.bindings` and `lowcraft.widgets` re-export their modules' names, and importing any one
module of a package runs the package's `__init__` first: with eager re-exports, the request path's
`lowcraft.bindings.segments` loaded tree-sitter, the dependency graph, lint and every widget's
manifest models at start-up. A lazy package lists where each name lives and imports that module the
first time the name is read (PEP 562).

Some public names equal their module's name (`lint` in `lowcraft.bindings.lint`). Loading a
submodule makes the import system set it as an attribute of the package, which would shadow the
function for everyone after; the package's class refuses that one assignment, so
`from lowcraft.bindings import lint` is always the function (and `import lowcraft.bindings.lint as m`
is not a way to reach the module: use `from lowcraft.bindings.lint import ...`).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping
from importlib import import_module
from typing import Any

_HOMES = "_lazy_homes"


class LazyPackage(types.ModuleType):
    def __getattr__(self, name: str) -> Any:  # only reached for names not loaded yet
        home = self.__dict__.get(_HOMES, {}).get(name)
        if home is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(import_module(home), name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in self.__dict__.get(_HOMES, {}):
            return  # the import system binding a submodule over the public name it exports
        super().__setattr__(name, value)


def make_lazy(package: str, homes: Mapping[str, str]) -> None:
    """Turn `package` (call with `__name__` from its `__init__`) into a lazy package over `homes`:
    public name -> the module that defines it."""
    module = sys.modules[package]
    module.__dict__[_HOMES] = dict(homes)
    module.__class__ = LazyPackage
