"""Sign-in providers: the protocol side of single sign-on, as one registered class per kind.

A provider kind (generic OIDC, Google, GitHub; SAML next) declares its settings once as a pydantic
model, from which the admin form, validation and the API schema derive, and implements two steps:
`begin` (the address that sends the browser to the provider, with state, nonce and PKCE) and
`complete` (the provider's answer checked and turned into an `ExternalIdentity`). Kinds know
protocols, never users, sessions or tables: `lowcraft.accounts.signin` decides who the identity
is, and `lowcraft.identity.providers` holds the configured providers.

A lazy package (`lowcraft.lazy`): the kinds' protocol libraries (authlib, joserfc, pysaml2) load
with the first sign-in, not when the server starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lowcraft.lazy import make_lazy

if TYPE_CHECKING:
    from lowcraft.signin.base import ExternalIdentity, Flow, ProviderKind
    from lowcraft.signin.registry import ProviderRegistry, registry

_HOMES = {
    "ExternalIdentity": "lowcraft.signin.base",
    "Flow": "lowcraft.signin.base",
    "ProviderKind": "lowcraft.signin.base",
    "ProviderRegistry": "lowcraft.signin.registry",
    "registry": "lowcraft.signin.registry",
}

make_lazy(__name__, _HOMES)

__all__ = ["ExternalIdentity", "Flow", "ProviderKind", "ProviderRegistry", "registry"]
