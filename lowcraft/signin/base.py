"""What every provider kind declares and does."""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from lowcraft.signin.http import ProviderHttp


class KindSettings(BaseModel):
    """Base of a kind's settings: camelCase in JSON, unknown fields refused.

    Fields named in the kind's `secret_fields` are write-only: stored encrypted, never answered.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True, defer_build=True)


@dataclass(frozen=True)
class Flow:
    """One sign-in under way: what the callback must find again. Kept server-side, never sent
    to the provider except `state`, `nonce` and the PKCE challenge derived from `code_verifier`."""

    state: str
    nonce: str
    code_verifier: str

    @classmethod
    def new(cls) -> Flow:
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48))


@dataclass(frozen=True)
class ExternalIdentity:
    """Who the provider says signed in: a stable `subject` within the provider, and the claims
    (for role mapping). `email_verified` is the provider's word, never assumed."""

    subject: str
    email: str | None
    email_verified: bool
    name: str = ""
    claims: Mapping[str, Any] = field(default_factory=dict)
    once: tuple[str, float | None] | None = None
    """An answer that must be used once (a SAML assertion's ID) and until when it is valid (a
    POSIX time); the caller refuses it a second time."""
    session: Mapping[str, str] | None = None
    """What names this sign-in's session at the provider, for single logout (SAML: the NameID as
    XML and the SessionIndex)."""


class ProviderKind(ABC):
    """A kind of sign-in provider. Subclasses set the class attributes and implement the two steps.

    `settings_model` is the single declaration of a kind's configuration: the admin form, the
    API's validation and the environment-variable format all derive from it.
    """

    kind: ClassVar[str]
    label: ClassVar[str]
    """What the admin page calls the kind (`Generic OpenID Connect`)."""
    settings_model: ClassVar[type[KindSettings]]
    secret_fields: ClassVar[tuple[str, ...]] = ()
    """Settings (by alias) that are stored encrypted and never answered back."""
    answers_by_post: ClassVar[bool] = False
    """The provider sends its answer as a form POST (SAML's HTTP-POST binding), not a redirect."""

    def parse(self, settings: Mapping[str, Any]) -> KindSettings:
        return self.settings_model.model_validate(settings)

    def schema(self) -> dict[str, Any]:
        return self.settings_model.model_json_schema(by_alias=True)

    @abstractmethod
    def begin(self, settings: KindSettings, redirect_uri: str, flow: Flow, http: ProviderHttp) -> str:
        """The provider address to send the browser to."""

    @abstractmethod
    def complete(
        self, settings: KindSettings, redirect_uri: str, flow: Flow, params: Mapping[str, str], http: ProviderHttp
    ) -> ExternalIdentity:
        """Check the provider's answer (the callback's query `params`) and say who signed in.

        Raises a `lowcraft.signin.errors.SignInRefused` subclass for anything that does not prove it.
        """
