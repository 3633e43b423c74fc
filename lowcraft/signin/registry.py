"""The provider-kind registry: kind name -> provider kind, one instance per kind."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from lowcraft.signin.errors import UnknownProviderKind

if TYPE_CHECKING:
    from lowcraft.signin.base import ProviderKind


class ProviderRegistry:
    def __init__(self) -> None:
        self._kinds: dict[str, ProviderKind] = {}

    def register(self, kind_class: type[ProviderKind]) -> None:
        name = getattr(kind_class, "kind", None)
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"{kind_class.__name__} needs a `kind` that is an identifier")
        if name in self._kinds:
            raise ValueError(f"a provider kind named {name!r} is already registered")
        self._kinds[name] = kind_class()

    def get(self, name: str) -> ProviderKind:
        kind = self._kinds.get(name)
        if kind is None:
            raise UnknownProviderKind(
                f"There is no sign-in provider kind named {name!r}; known: {', '.join(self.names())}."
            )
        return kind

    def names(self) -> list[str]:
        return sorted(self._kinds)

    def __contains__(self, name: object) -> bool:
        return name in self._kinds


def default_registry() -> ProviderRegistry:
    from lowcraft.signin.github import GithubKind
    from lowcraft.signin.oidc import GoogleKind, OidcKind
    from lowcraft.signin.saml import SamlKind

    registry = ProviderRegistry()
    for kind_class in (OidcKind, GoogleKind, GithubKind, SamlKind):
        registry.register(kind_class)
    return registry


class _BuiltInRegistry(ProviderRegistry):
    """The built-in kinds, registered on first use: their protocol libraries (authlib, joserfc,
    pysaml2) load with the first sign-in, not at start-up."""

    def __init__(self) -> None:
        super().__init__()
        self._loaded = False
        self._lock = threading.Lock()

    def _load(self) -> None:
        if not self._loaded:
            with self._lock:
                if not self._loaded:
                    self._kinds = default_registry()._kinds
                    self._loaded = True

    def register(self, kind_class: type[ProviderKind]) -> None:
        self._load()
        super().register(kind_class)

    def get(self, name: str) -> ProviderKind:
        self._load()
        return super().get(name)

    def names(self) -> list[str]:
        self._load()
        return super().names()

    def __contains__(self, name: object) -> bool:
        self._load()
        return super().__contains__(name)


registry: ProviderRegistry = _BuiltInRegistry()
"""The process-wide registry."""
