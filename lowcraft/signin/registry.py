"""The provider-kind registry: kind name -> provider kind, one instance per kind."""

from __future__ import annotations

from lowcraft.signin.base import ProviderKind
from lowcraft.signin.errors import UnknownProviderKind
from lowcraft.signin.github import GithubKind
from lowcraft.signin.oidc import GoogleKind, OidcKind
from lowcraft.signin.saml import SamlKind


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
    registry = ProviderRegistry()
    for kind_class in (OidcKind, GoogleKind, GithubKind, SamlKind):
        registry.register(kind_class)
    return registry


registry = default_registry()
"""The process-wide registry."""
