"""Every registered provider kind keeps the family's contract: it declares its settings once (the
admin form, validation and the API derive from that), its secrets are among those settings, and
settings it does not declare are refused."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from lowcraft.signin import ProviderKind, ProviderRegistry, registry
from lowcraft.signin.errors import UnknownProviderKind

SAMPLES: dict[str, dict[str, Any]] = {
    "oidc": {"discoveryUrl": "https://idp.example.com", "clientId": "c", "clientSecret": "s"},
    "google": {"clientId": "c.apps.googleusercontent.com", "clientSecret": "s", "hostedDomain": "example.com"},
    "github": {"clientId": "Iv1.abc", "clientSecret": "s"},
    "saml": {"idpMetadataUrl": "https://idp.example.com/metadata", "emailAttribute": "mail"},
}


def test_the_presets_and_generic_oidc_are_registered() -> None:
    assert {"oidc", "google", "github", "saml"} <= set(registry.names())
    assert set(SAMPLES) == set(registry.names()), "give each new kind a sample here"


@pytest.mark.parametrize("name", registry.names())
def test_a_kind_declares_its_settings_and_secrets_once(name: str) -> None:
    kind = registry.get(name)
    assert kind.kind == name and kind.label
    schema = kind.schema()
    assert set(kind.secret_fields) <= set(schema["properties"])
    parsed = kind.parse(SAMPLES[name])
    assert parsed.model_dump(by_alias=True, exclude_unset=True).keys() == SAMPLES[name].keys()
    with pytest.raises(ValidationError):
        kind.parse({**SAMPLES[name], "clientSecrte": "typo"})


def test_an_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(UnknownProviderKind, match="known: github, google, oidc, saml"):
        registry.get("ldap")


def test_a_kind_name_is_registered_once() -> None:
    fresh = ProviderRegistry()
    kind_class: type[ProviderKind] = type(registry.get("github"))
    fresh.register(kind_class)
    with pytest.raises(ValueError, match="already registered"):
        fresh.register(kind_class)


def test_an_issuer_url_becomes_its_discovery_document() -> None:
    parsed: Any = registry.get("oidc").parse({"discoveryUrl": "https://idp.example.com/realms/x/", "clientId": "c"})
    assert parsed.discovery_url == "https://idp.example.com/realms/x/.well-known/openid-configuration"
