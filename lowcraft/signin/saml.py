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
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from xml.etree.ElementTree import Element

import httpx
from defusedxml import ElementTree
from pydantic import Field, model_validator

from lowcraft.signin.base import ExternalIdentity, Flow, KindSettings, ProviderKind
from lowcraft.signin.errors import (
    EmailNotVerified,
    LogoutRefused,
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

    def client(self, settings: Any, acs_url: str, http: ProviderHttp, keys: SpKeys | None = None) -> Any:
        from saml2.client import Saml2Client
        from saml2.config import SPConfig

        config = SPConfig()
        config.load({
            "entityid": sp_entity_id(acs_url),
            "xmlsec_binary": XMLSEC,
            "allow_unknown_attributes": True,
            **({"key_file": str(keys.key_file), "cert_file": str(keys.cert_file)} if keys else {}),
            "service": {"sp": {
                "endpoints": _sp_endpoints(acs_url),
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
        session_index = next(
            (str(a.session_index) for a in getattr(assertion, "authn_statement", None) or [] if a.session_index), ""
        )
        return ExternalIdentity(
            subject=str(subject), email=email.strip().lower(), email_verified=True,
            name=str(name[0] if isinstance(name, list) else name or "")[:200],
            claims={**attributes, "sub": str(subject), "email": email.strip().lower()},
            once=(str(assertion.id), until),
            session={"name_id": str(name_id), "session_index": session_index[:255]},
        )

    # -- single logout ---------------------------------------------------------------------------

    def logout_service(self, settings: Any, acs_url: str, http: ProviderHttp, *, response: bool = False) -> str | None:
        """The IdP's single logout address for the HTTP-Redirect binding, if its metadata has one
        (for a `response`, its ResponseLocation when it names one)."""
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.s_utils import UnsupportedBinding

        client = self.client(settings, acs_url, http)
        for entity in client.metadata.with_descriptor("idpsso"):
            try:
                endpoints = client.metadata.single_logout_service(entity, BINDING_HTTP_REDIRECT, "idpsso")
            except UnsupportedBinding:  # pysaml2's way of saying there is none
                continue
            for endpoint in endpoints:
                return str(response and endpoint.get("response_location") or endpoint["location"])
        return None

    def logout_request(
        self, settings: Any, acs_url: str, http: ProviderHttp, keys: SpKeys, session: Mapping[str, str], relay_state: str
    ) -> tuple[str, str]:
        """A LogoutRequest for one SAML session, signed (RSA-SHA256 over the HTTP-Redirect query):
        the IdP address to send the browser to, and the request's ID (for its answer)."""
        from saml2 import BINDING_HTTP_REDIRECT, saml, xmldsig

        with _lock:
            client = self.client(settings, acs_url, http, keys)
            destination = self.logout_service(settings, acs_url, http)
            if destination is None:
                raise LogoutRefused("The IdP's metadata names no HTTP-Redirect single logout service.")
            http.check_url(destination)
            idp = next(iter(client.metadata.with_descriptor("idpsso")))
            name_id = saml.name_id_from_string(session["name_id"])
            message_id = "id-" + secrets.token_hex(20)
            _, request = client.create_logout_request(
                destination, idp, name_id=name_id, message_id=message_id, sign=False,
                session_indexes=[session["session_index"]] if session.get("session_index") else None,
                expire=_in_minutes(5),
            )
            info = client.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, relay_state,
                                        sign=True, sigalg=xmldsig.SIG_RSA_SHA256)
        return str(dict(info["headers"])["Location"]), message_id

    def logout_answer(
        self, settings: Any, acs_url: str, http: ProviderHttp, keys: SpKeys, params: Mapping[str, str], binding: str
    ) -> tuple[str, str]:
        """Check the IdP's LogoutResponse (signed by a key of its metadata): its `InResponseTo` and
        whether the IdP reports success."""
        from saml2.samlp import STATUS_SUCCESS

        with _lock:
            client = self.client(settings, acs_url, http, keys)
            xml = _verified(client, params, "SAMLResponse", binding)
            try:
                response = client.parse_logout_request_response(params["SAMLResponse"], binding)
            except Exception as exc:  # noqa: BLE001 - pysaml2's refusals share no base class
                raise LogoutRefused(f"The IdP's logout answer is not acceptable: {type(exc).__name__}.") from None
        if response is None or not xml:
            raise LogoutRefused("The IdP's logout answer is not for this service provider.")
        status = response.response.status.status_code.value
        return str(response.response.in_response_to or ""), "success" if status == STATUS_SUCCESS else str(status)

    def idp_logout(
        self, settings: Any, acs_url: str, http: ProviderHttp, keys: SpKeys, params: Mapping[str, str], binding: str
    ) -> IdpLogout:
        """Check a LogoutRequest the IdP sends (it must be signed by a key of the IdP's metadata,
        SHA-256 or stronger, addressed to this SP and not expired)."""
        from saml2 import request as saml_request

        with _lock:
            client = self.client(settings, acs_url, http, keys)
            _verified(client, params, "SAMLRequest", binding)
            receivers = client.config.endpoint("single_logout_service", binding, "sp")
            parsed = saml_request.LogoutRequest(client.sec, receivers, client.config.attribute_converters,
                                                timeslack=int(SKEW.total_seconds()))
            try:
                xml = client.unravel(params["SAMLRequest"], binding, "SAMLRequest")
                parsed = parsed.loads(xml, binding, origdoc=params["SAMLRequest"], must=True,
                                      relay_state=params.get("RelayState"), sigalg=params.get("SigAlg"),
                                      signature=params.get("Signature"))
                parsed.verify()
            except Exception as exc:  # noqa: BLE001 - pysaml2's refusals share no base class
                raise LogoutRefused(f"The logout request is not acceptable: {type(exc).__name__}.") from None
            message = parsed.message
            if message is None or message.name_id is None or not message.name_id.text:
                raise LogoutRefused("The logout request names no subject (NameID).")
            indexes = [str(i.text) for i in message.session_index or [] if i.text]
            return IdpLogout(str(message.name_id.text), indexes, str(message.id), parsed)

    def logout_response(
        self, settings: Any, acs_url: str, http: ProviderHttp, keys: SpKeys, request: IdpLogout, relay_state: str
    ) -> str:
        """The signed LogoutResponse (Success: no session of the person is left here) to an IdP's
        request, as the address to send the browser to."""
        from saml2 import BINDING_HTTP_REDIRECT, xmldsig

        with _lock:
            client = self.client(settings, acs_url, http, keys)
            destination = self.logout_service(settings, acs_url, http, response=True)
            if destination is None:
                raise LogoutRefused("The IdP's metadata names no HTTP-Redirect single logout service.")
            http.check_url(destination)
            response = client.create_logout_response(request.parsed.message, [BINDING_HTTP_REDIRECT], sign=False)
            info = client.apply_binding(BINDING_HTTP_REDIRECT, str(response), destination, relay_state,
                                        response=True, sign=True, sigalg=xmldsig.SIG_RSA_SHA256)
        return str(dict(info["headers"])["Location"])


@dataclass(frozen=True)
class SpKeys:
    """This service provider's signing key and certificate, as the files pysaml2 reads."""

    key_file: Path
    cert_file: Path
    cert_pem: str


@dataclass(frozen=True)
class IdpLogout:
    """A LogoutRequest from the IdP that verified: whom it logs out, and which of their sessions."""

    name_id: str
    session_indexes: list[str]
    request_id: str
    parsed: Any


def new_sp_key_pair(common_name: str) -> tuple[str, str]:
    """A fresh RSA key and a self-signed certificate for it (ten years), as PEM texts."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "lowcraft")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650)).sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def sp_keys_in(folder: Path, key_pem: str, cert_pem: str) -> SpKeys:
    """Write the key pair where pysaml2 (and xmlsec1) read it: owner-only files named by the
    certificate's hash, written once."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = hashlib.sha256(cert_pem.encode()).hexdigest()[:16]
    key_file, cert_file = folder / f"sp-{name}.key", folder / f"sp-{name}.crt"
    for path, text in ((key_file, key_pem), (cert_file, cert_pem)):
        if not path.exists():
            partial = path.with_suffix(path.suffix + f".{secrets.token_hex(4)}")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(text)
            partial.replace(path)
    return SpKeys(key_file, cert_file, cert_pem)


def _sp_endpoints(acs_url: str) -> dict[str, Any]:
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT

    slo = slo_url(acs_url)
    return {
        "assertion_consumer_service": [(acs_url, BINDING_HTTP_POST)],
        "single_logout_service": [(slo, BINDING_HTTP_REDIRECT), (slo, BINDING_HTTP_POST)],
    }


def slo_url(acs_url: str) -> str:
    """This SP's single logout service, next to the assertion consumer service."""
    return acs_url.rsplit("/", 1)[0] + "/slo"


def _in_minutes(minutes: int) -> str:
    from saml2.time_util import in_a_while

    return str(in_a_while(minutes=minutes))


def _verified(client: Any, params: Mapping[str, str], field: str, binding: str) -> str:
    """Check a logout message's signature (by a key of the IdP's metadata, SHA-256 or stronger)
    before anything reads it: over the query for HTTP-Redirect, in the document for HTTP-POST."""
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.sigver import verify_redirect_signature

    encoded = params.get(field, "")
    if not encoded:
        raise LogoutRefused(f"The logout message holds no {field}.")
    if binding == BINDING_HTTP_REDIRECT:
        if not params.get("Signature") or not params.get("SigAlg"):
            raise LogoutRefused("The logout message is not signed; a signed one is required.")
        if params["SigAlg"] not in _STRONG_SIGNATURES:
            raise LogoutRefused(f"The logout message is signed with {params['SigAlg'][:100]}; SHA-256 or stronger is required.")
        try:
            raw = client.unravel(encoded, binding, field)
            xml = raw.decode() if isinstance(raw, bytes) else str(raw)
            root: Element = ElementTree.fromstring(xml)
        except Exception:  # noqa: BLE001 - inflate, base64 and XML parsers
            raise LogoutRefused("The logout message is not a SAML document.") from None
        issuer = root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer")
        certs = client.metadata.certs(issuer.text.strip() if issuer is not None and issuer.text else "", "idpsso", "signing")
        message = {k: params[k] for k in (field, "RelayState", "SigAlg", "Signature") if k in params}
        try:
            ok = any(verify_redirect_signature(message, client.sec.sec_backend, cert) for _, cert in certs)
        except Exception:  # noqa: BLE001 - a malformed signature is a wrong one
            ok = False
        if not ok:
            raise LogoutRefused("The logout message's signature does not verify with the IdP's keys.")
        return xml
    if binding != BINDING_HTTP_POST:
        raise LogoutRefused("Only the HTTP-Redirect and HTTP-POST bindings are accepted.")
    try:
        check_algorithms(encoded)
    except SignInRefused as exc:
        raise LogoutRefused(exc.message) from None
    xml = base64.b64decode(encoded, validate=False).decode("utf-8", "replace")
    kind = "logout_request" if field == "SAMLRequest" else "logout_response"
    try:
        checked = getattr(client.sec, f"correctly_signed_{kind}")(xml, must=True)
    except Exception:  # noqa: BLE001 - pysaml2's signature errors share no base class
        checked = None
    if not checked:
        raise LogoutRefused("The logout message is not signed by the IdP; a signed one is required.")
    return xml


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


def sp_metadata(acs_url: str, keys: SpKeys | None = None) -> str:
    """This service provider's metadata, for the IdP's administrators: the assertion consumer
    service, the single logout service and (with `keys`) the certificate its logout messages
    are signed with."""
    from saml2.config import SPConfig
    from saml2.metadata import entity_descriptor

    config = SPConfig()
    config.load({
        "entityid": sp_entity_id(acs_url),
        "xmlsec_binary": XMLSEC,
        **({"key_file": str(keys.key_file), "cert_file": str(keys.cert_file)} if keys else {}),
        "service": {"sp": {
            "endpoints": _sp_endpoints(acs_url),
            "authn_requests_signed": False,
            "want_assertions_signed": True,
        }},
    })
    return str(entity_descriptor(config))


__all__ = [
    "IdpLogout",
    "SamlKind",
    "SpKeys",
    "check_algorithms",
    "new_sp_key_pair",
    "request_id",
    "slo_url",
    "sp_entity_id",
    "sp_keys_in",
    "sp_metadata",
]
