"""SAML 2.0 single sign-on: Lowcraft as a service provider, with pysaml2 and xmlsec1.

- The IdP is described by its metadata, pasted (`idpMetadataXml`) or fetched (`idpMetadataUrl`,
  through the sign-in address check, cached like discovery documents).
- SP-initiated: an AuthnRequest over the HTTP-Redirect binding whose ID is derived from the
  flow's nonce and whose RelayState is the flow's state; the answer comes back over HTTP-POST.
- The answer is checked by pysaml2 against the IdP's metadata: the assertion must be signed
  (`want_assertions_signed`) by a key of the metadata; audience (this SP's entity id),
  recipient/destination (this ACS), `InResponseTo` (the request this flow sent),
  `NotBefore`/`NotOnOrAfter` (with pysaml2's accepted time diff). Before that, every signature
  and digest in the document must use SHA-256 or stronger: SHA-1 is refused.
- IdP-initiated sign-in (no request, `InResponseTo` absent) only with `allowIdpInitiated`.
- Each assertion's ID is returned (`ExternalIdentity.once`) so the caller refuses a replay until
  the assertion's `NotOnOrAfter`.

SAML has no `email_verified`: the email attribute (or an email-format NameID) counts as verified,
since the administrator chose to trust this IdP for the instance. Every attribute is a claim for
role mapping (lists stay lists, e.g. `groups`).
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from xml.etree.ElementTree import Element

import httpx
from defusedxml import ElementTree
from pydantic import Field, model_validator

from lowcraft.signin.base import ExternalIdentity, Flow, KindSettings, ProviderKind
from lowcraft.signin.errors import (
    EmailNotVerified,
    ProviderUnreachable,
    SignInRefused,
    StateMismatch,
    TokenExpired,
    TokenInvalid,
    TokenSignatureInvalid,
    WrongAudience,
)
from lowcraft.signin.http import ProviderHttp
from lowcraft.signin.oidc import documents

XMLSEC = "/usr/bin/xmlsec1"
_STRONG_SIGNATURES = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
}
_STRONG_DIGESTS = {
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512",
}
_DS = "{http://www.w3.org/2000/09/xmldsig#}"
_EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
SKEW = timedelta(seconds=60)
_lock = threading.Lock()  # pysaml2 clients are built per call; xmlsec1 runs as a child process


class SamlSettings(KindSettings):
    idp_metadata_xml: str | None = Field(
        None, alias="idpMetadataXml", max_length=200_000, description="The IdP's metadata, pasted."
    )
    idp_metadata_url: str | None = Field(
        None, alias="idpMetadataUrl", max_length=2000, description="Or the address to fetch it from."
    )
    email_attribute: str = Field(
        "email", alias="emailAttribute", max_length=200,
        description="The attribute holding the email (an email-format NameID is used without one).",
    )
    name_attribute: str = Field("name", alias="nameAttribute", max_length=200)
    allow_idp_initiated: bool = Field(
        False, alias="allowIdpInitiated", description="Accept sign-ins started at the IdP (no request)."
    )

    @model_validator(mode="after")
    def _one_metadata(self) -> SamlSettings:
        if not (self.idp_metadata_xml or self.idp_metadata_url):
            raise ValueError("give the IdP's metadata: idpMetadataXml or idpMetadataUrl")
        if self.idp_metadata_url and not self.idp_metadata_url.startswith(("https://", "http://")):
            raise ValueError("idpMetadataUrl must be an http(s) address")
        return self


def request_id(flow: Flow) -> str:
    """The AuthnRequest's ID for a flow (an XML NCName), so the flow need not store it."""
    return "id-" + hashlib.sha256(("saml-request:" + flow.nonce).encode()).hexdigest()[:40]


def sp_entity_id(acs_url: str) -> str:
    """This SP's entity id: its metadata address, next to the assertion consumer service."""
    return acs_url.rsplit("/", 1)[0] + "/metadata"


class SamlKind(ProviderKind):
    kind = "saml"
    label = "SAML 2.0"
    settings_model: ClassVar[type[KindSettings]] = SamlSettings
    answers_by_post = True

    def metadata_xml(self, settings: Any, http: ProviderHttp) -> str:
        if settings.idp_metadata_xml:
            return str(settings.idp_metadata_xml)
        url = str(settings.idp_metadata_url)

        def fetch() -> str:
            http.check_url(url)
            try:
                with httpx.Client(timeout=http.timeout, follow_redirects=False,
                                  event_hooks={"request": [lambda r: http.check_url(str(r.url))]}) as client:
                    response = client.get(url)
            except httpx.HTTPError as exc:
                raise ProviderUnreachable(f"The IdP's metadata could not be read: {exc}") from None
            if response.status_code != 200:
                raise ProviderUnreachable(f"The IdP answered {response.status_code} to {url}.")
            return response.text

        return str(documents.get(url, fetch))

    def client(self, settings: Any, acs_url: str, http: ProviderHttp) -> Any:
        from saml2 import BINDING_HTTP_POST
        from saml2.client import Saml2Client
        from saml2.config import SPConfig

        config = SPConfig()
        config.load({
            "entityid": sp_entity_id(acs_url),
            "xmlsec_binary": XMLSEC,
            "allow_unknown_attributes": True,
            "service": {"sp": {
                "endpoints": {"assertion_consumer_service": [(acs_url, BINDING_HTTP_POST)]},
                "allow_unsolicited": bool(settings.allow_idp_initiated),
                "authn_requests_signed": False,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "only_use_keys_in_metadata": True,
            }},
            "metadata": {"inline": [self.metadata_xml(settings, http)]},
        })
        return Saml2Client(config=config)

    def begin(self, settings: KindSettings, redirect_uri: str, flow: Flow, http: ProviderHttp) -> str:
        from saml2 import BINDING_HTTP_REDIRECT

        try:
            client = self.client(settings, redirect_uri, http)
            _, info = client.prepare_for_authenticate(
                relay_state=flow.state, binding=BINDING_HTTP_REDIRECT, message_id=request_id(flow)
            )
        except SignInRefused:
            raise
        except Exception as exc:  # noqa: BLE001 - pysaml2 reports metadata and configuration problems loosely
            raise ProviderUnreachable(f"The SAML request could not be made: {exc}") from None
        location = dict(info["headers"]).get("Location")
        if not location:
            raise ProviderUnreachable("The IdP's metadata names no HTTP-Redirect sign-on service.")
        http.check_url(location)
        return str(location)

    def complete(
        self, settings: KindSettings, redirect_uri: str, flow: Flow, params: Mapping[str, str], http: ProviderHttp
    ) -> ExternalIdentity:
        from saml2 import BINDING_HTTP_POST

        s: Any = settings
        encoded = params.get("SAMLResponse", "")
        if not encoded:
            raise TokenInvalid("The IdP's answer holds no SAML response.")
        unsolicited = flow.nonce == ""
        if unsolicited and not s.allow_idp_initiated:
            raise StateMismatch("Sign-ins started at the IdP are not accepted by this provider.")
        check_algorithms(encoded)
        outstanding = None if unsolicited else {request_id(flow): "/"}
        with _lock:
            client = self.client(settings, redirect_uri, http)
            try:
                response = client.parse_authn_request_response(encoded, BINDING_HTTP_POST, outstanding=outstanding)
            except Exception as exc:  # noqa: BLE001 - pysaml2's refusals share no base class
                if str(exc) == "Condition not OK" and outside_time_window(encoded):
                    raise TokenExpired("The SAML assertion has expired or is not valid yet.") from None
                raise refusal_for(exc) from None
        if response is None:
            raise TokenInvalid("The IdP's answer is not a SAML response for this service provider.")
        assertion = response.assertion
        if assertion is None or not getattr(response, "assertion", None):
            raise TokenInvalid("The IdP's answer holds no assertion.")
        if not unsolicited and response.in_response_to != request_id(flow):
            raise StateMismatch("The SAML response answers another request (InResponseTo).")
        attributes = {k: (v if len(v) != 1 else v[0]) for k, v in (response.ava or {}).items()}
        name_id = response.name_id
        subject = getattr(name_id, "text", None)
        if not subject:
            raise TokenInvalid("The assertion names no subject (NameID).")
        email = attributes.get(s.email_attribute)
        if not email and getattr(name_id, "format", None) == _EMAIL_FORMAT:
            email = subject
        if isinstance(email, list):
            email = email[0] if email else None
        if not isinstance(email, str) or "@" not in email:
            raise EmailNotVerified(f"The assertion carries no email ({s.email_attribute} attribute).")
        name = attributes.get(s.name_attribute)
        until = _not_on_or_after(assertion)
        return ExternalIdentity(
            subject=str(subject), email=email.strip().lower(), email_verified=True,
            name=str(name[0] if isinstance(name, list) else name or "")[:200],
            claims={**attributes, "sub": str(subject), "email": email.strip().lower()},
            once=(str(assertion.id), until),
        )


def _not_on_or_after(assertion: Any) -> float | None:
    conditions = getattr(assertion, "conditions", None)
    value = getattr(conditions, "not_on_or_after", None)
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return None


def check_algorithms(encoded: str) -> None:
    """Refuse a response with any signature or digest weaker than SHA-256 (SHA-1 among them)."""
    try:
        root: Element = ElementTree.fromstring(base64.b64decode(encoded, validate=False))
    except Exception:  # noqa: BLE001 - base64 and XML parsers (defusedxml's refusals included)
        raise TokenInvalid("The IdP's answer is not a SAML document.") from None
    for method in root.iter(f"{_DS}SignatureMethod"):
        if method.get("Algorithm") not in _STRONG_SIGNATURES:
            raise TokenSignatureInvalid(f"The IdP signed with {method.get('Algorithm')}; SHA-256 or stronger is required.")
    for method in root.iter(f"{_DS}DigestMethod"):
        if method.get("Algorithm") not in _STRONG_DIGESTS:
            raise TokenSignatureInvalid(f"The IdP's digest is {method.get('Algorithm')}; SHA-256 or stronger is required.")


def outside_time_window(encoded: str) -> bool:
    """Whether the assertion's Conditions lie outside their time window now (pysaml2 reports
    time, audience and other conditions alike as "Condition not OK"; this tells which)."""
    root: Element = ElementTree.fromstring(base64.b64decode(encoded, validate=False))
    now = datetime.now(UTC)
    for conditions in root.iter("{urn:oasis:names:tc:SAML:2.0:assertion}Conditions"):
        before, after = conditions.get("NotBefore"), conditions.get("NotOnOrAfter")
        try:
            if after and datetime.fromisoformat(after) <= now - SKEW:
                return True
            if before and datetime.fromisoformat(before) > now + SKEW:
                return True
        except ValueError:
            return False
    return False


def refusal_for(exc: Exception) -> SignInRefused:
    """pysaml2's reasons, as sign-in refusals."""
    name = type(exc).__name__
    text = str(exc)[:300]
    if name in ("SignatureError", "IncorrectlySigned", "MissingKey", "CertificateError", "SigverError"):
        return TokenSignatureInvalid(f"The SAML response's signature does not verify: {name}.")
    if "not signed" in text.lower() or name == "UnsignedAssertion":
        return TokenSignatureInvalid("The SAML assertion is not signed; signed assertions are required.")
    if name in ("ResponseLifetimeExceed", "ToEarly", "TooEarly") or "too old" in text.lower() or "lifetime" in text.lower():
        return TokenExpired("The SAML assertion has expired or is not valid yet.")
    if name in ("UnsolicitedResponse",):
        return StateMismatch("The SAML response answers no request this sign-in sent (InResponseTo).")
    if "audience" in text.lower() or name == "AudienceRestrictionError":
        return WrongAudience("The SAML assertion is meant for another service provider.")
    if name in ("StatusError",) or name.startswith("Status"):
        return TokenInvalid(f"The IdP refused the sign-in: {text}")
    return TokenInvalid(f"The SAML response is not acceptable: {name}: {text}")


def sp_metadata(acs_url: str) -> str:
    """This service provider's metadata, for the IdP's administrators."""
    from saml2 import BINDING_HTTP_POST
    from saml2.config import SPConfig
    from saml2.metadata import entity_descriptor

    config = SPConfig()
    config.load({
        "entityid": sp_entity_id(acs_url),
        "xmlsec_binary": XMLSEC,
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [(acs_url, BINDING_HTTP_POST)]},
            "authn_requests_signed": False,
            "want_assertions_signed": True,
        }},
    })
    return str(entity_descriptor(config))


__all__ = ["SamlKind", "check_algorithms", "request_id", "sp_entity_id", "sp_metadata"]
