"""Sign-in providers: the protocol side of single sign-on, as one registered class per kind.

A provider kind (generic OIDC, Google, GitHub; SAML next) declares its settings once as a pydantic
model, from which the admin form, validation and the API schema derive, and implements two steps:
`begin` (the address that sends the browser to the provider, with state, nonce and PKCE) and
`complete` (the provider's answer checked and turned into an `ExternalIdentity`). Kinds know
protocols, never users, sessions or tables: `lowcraft.accounts.signin` decides who the identity
is, and `lowcraft.identity.providers` holds the configured providers.
"""

from lowcraft.signin.base import ExternalIdentity, Flow, ProviderKind
from lowcraft.signin.registry import ProviderRegistry, registry

__all__ = ["ExternalIdentity", "Flow", "ProviderKind", "ProviderRegistry", "registry"]
