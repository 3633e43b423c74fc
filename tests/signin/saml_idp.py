"""A SAML 2.0 identity provider for the tests, built with pysaml2's server side (and xmlsec1).

It reads Lowcraft's AuthnRequest from the HTTP-Redirect binding and answers with a Response whose
assertion it signs (RSA-SHA256) with its own key, published in its metadata; the answer goes back
as Lowcraft's browser would carry it: a form POST to the assertion consumer service. Tests make
it misbehave: no signature, SHA-1, another key, another audience, an expired assertion,
another `InResponseTo`.
"""

from __future__ import annotations

import base64
import datetime
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, xmldsig
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.server import Server

IDP_ENTITY = "https://idp.test.example/saml"
SSO_URL = "http://127.0.0.1:9/saml/sso"  # never called: the test carries the request itself
SLO_URL = "http://127.0.0.1:9/saml/slo"


def key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA key and a self-signed certificate for it, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


@dataclass
class SamlPerson:
    name_id: str = "u-1001"
    email: str = "sam@example.com"
    name: str = "Sam Example"
    groups: list[str] = field(default_factory=lambda: ["analysts"])


class TestIdp:
    __test__ = False

    def __init__(self, folder: Path, sso_url: str = SSO_URL) -> None:
        self.folder = folder
        self.sso_url = sso_url
        self.key, self.cert = key_pair(folder, "idp")
        self.rogue_key, self.rogue_cert = key_pair(folder, "rogue")
        self.person = SamlPerson()
        self.misbehave: set[str] = set()
        self.sp_metadata = ""
        self.single_logout = True
        """Whether the IdP's metadata names a single logout service."""
        self.logged_out: list[tuple[str, list[str]]] = []
        """The (NameID, SessionIndexes) of each LogoutRequest from the SP that verified."""

    def metadata(self) -> str:
        return str(entity_descriptor(self._config()))

    def _config(self, *, rogue: bool = False) -> IdPConfig:
        config = IdPConfig()
        config.load({
            "entityid": IDP_ENTITY,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "key_file": str(self.rogue_key if rogue else self.key),
            "cert_file": str(self.rogue_cert if rogue else self.cert),
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)],
                              **({"single_logout_service": [(SLO_URL, BINDING_HTTP_REDIRECT)]}
                                 if self.single_logout else {})},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {"default": {"lifetime": {"minutes": -10 if "expired" in self.misbehave else 5},
                                       "attribute_restrictions": None,
                                       "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"}},
            }},
            "metadata": {"inline": [self.sp_metadata]} if self.sp_metadata else {},
        })
        return config

    def answer(self, authn_request_url: str) -> dict[str, str]:
        """Sign the person in for the request in `authn_request_url` (the HTTP-Redirect binding):
        the form fields the browser POSTs to the SP's assertion consumer service, and its address."""
        query = parse_qs(urlsplit(authn_request_url).query)
        assert authn_request_url.startswith(self.sso_url), authn_request_url
        server = Server(config=self._config(rogue="sign_with_other_key" in self.misbehave))
        request = server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT).message
        in_response_to = "id-someone-elses-request" if "wrong_in_response_to" in self.misbehave else request.id
        return self._respond(server, request.assertion_consumer_service_url, request.issuer.text, in_response_to,
                             query.get("RelayState", [""])[0])

    def unsolicited(self, acs_url: str, sp_entity: str) -> dict[str, str]:
        """An IdP-initiated sign-in: a response that answers no request."""
        server = Server(config=self._config())
        return self._respond(server, acs_url, sp_entity, None, "")

    def _respond(self, server: Server, acs: str, sp_entity: str, in_response_to: str | None, relay: str) -> dict[str, str]:
        audience = "https://someone-else.example/sp" if "wrong_audience" in self.misbehave else sp_entity
        sha1 = "sha1" in self.misbehave
        kwargs: dict[str, Any] = {
            "identity": {"email": self.person.email, "name": self.person.name, "groups": self.person.groups},
            "in_response_to": in_response_to,
            "destination": acs,
            "sp_entity_id": audience,
            "name_id": _name_id(self.person.name_id),
            "authn": {"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password", "authn_auth": IDP_ENTITY},
            "sign_assertion": "unsigned" not in self.misbehave,
            "sign_response": False,
            "sign_alg": xmldsig.SIG_RSA_SHA1 if sha1 else xmldsig.SIG_RSA_SHA256,
            "digest_alg": xmldsig.DIGEST_SHA1 if sha1 else xmldsig.DIGEST_SHA256,
        }
        xml = str(server.create_authn_response(**kwargs))
        return {"SAMLResponse": base64.b64encode(xml.encode()).decode(), "RelayState": relay, "acs": acs}


    # -- single logout -----------------------------------------------------------------------

    def _sp_slo(self) -> str:
        return str(_sp_store(self.sp_metadata).single_logout_service(
            _sp_entity(self.sp_metadata), BINDING_HTTP_REDIRECT, "spsso")[0]["location"])

    def answer_logout(self, logout_request_url: str) -> str:
        """Take the SP's LogoutRequest (HTTP-Redirect): check its signature with the certificate in
        the SP's metadata, end the session, and answer the SP's SLO address with a signed
        LogoutResponse (signed with another key when misbehaving)."""
        from saml2.sigver import verify_redirect_signature

        assert logout_request_url.startswith(SLO_URL), logout_request_url
        query = {k: v[0] for k, v in parse_qs(urlsplit(logout_request_url).query).items()}
        server = Server(config=self._config(rogue="sign_with_other_key" in self.misbehave))
        certs = _sp_store(self.sp_metadata).certs(_sp_entity(self.sp_metadata), "spsso", "signing")
        assert certs, "the SP's metadata publishes its signing certificate"
        assert query["SigAlg"] == xmldsig.SIG_RSA_SHA256
        assert any(verify_redirect_signature(query, server.sec.sec_backend, cert) for _, cert in certs)
        request = server.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT).message
        self.logged_out.append((request.name_id.text, [i.text for i in request.session_index]))
        response = server.create_logout_response(request, [BINDING_HTTP_REDIRECT], sign=False)
        info = server.apply_binding(BINDING_HTTP_REDIRECT, str(response), self._sp_slo(), query.get("RelayState", ""),
                                    response=True, sign="unsigned" not in self.misbehave, sigalg=xmldsig.SIG_RSA_SHA256)
        return str(dict(info["headers"])["Location"])

    def logout_request(self, session_index: str | None = None, *, sign: bool = True, rogue: bool = False,
                       binding: str = BINDING_HTTP_REDIRECT) -> dict[str, str]:
        """An IdP-initiated LogoutRequest for the person, to the SP's SLO service: the parameters
        (query for HTTP-Redirect, form for HTTP-POST) and the `url` to send them to."""
        server = Server(config=self._config(rogue=rogue))
        destination = self._sp_slo()
        _, request = server.create_logout_request(
            destination, _sp_entity(self.sp_metadata), name_id=_name_id(self.person.name_id),
            session_indexes=[session_index] if session_index else None,
            sign=sign and binding == BINDING_HTTP_POST, sign_alg=xmldsig.SIG_RSA_SHA256, digest_alg=xmldsig.DIGEST_SHA256,
        )
        if binding == BINDING_HTTP_POST:
            xml = str(request)
            return {"url": destination, "SAMLRequest": base64.b64encode(xml.encode()).decode(), "RelayState": "r-1"}
        info = server.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, "r-1", sign=sign,
                                    sigalg=xmldsig.SIG_RSA_SHA256)
        location = str(dict(info["headers"])["Location"])
        return {"url": destination, **{k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}}

    def check_logout_response(self, location: str) -> str:
        """The SP's answer to an IdP-initiated logout: its signature checked with the SP's
        certificate; answers the status code."""
        from saml2.sigver import verify_redirect_signature

        assert location.startswith(SLO_URL), location
        query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        server = Server(config=self._config())
        certs = _sp_store(self.sp_metadata).certs(_sp_entity(self.sp_metadata), "spsso", "signing")
        assert any(verify_redirect_signature(query, server.sec.sec_backend, cert) for _, cert in certs)
        response = server.parse_logout_request_response(query["SAMLResponse"], BINDING_HTTP_REDIRECT)
        return str(response.response.status.status_code.value)


def _sp_store(metadata: str) -> Any:
    from saml2 import config
    from saml2.mdstore import MetadataStore

    store = MetadataStore(None, config.Config())
    store.load("inline", metadata)
    return store


def _sp_entity(metadata: str) -> str:
    return str(next(iter(_sp_store(metadata).with_descriptor("spsso"))))


def sign_on_page(idp: TestIdp) -> Any:
    """The IdP's sign-on page as a Starlette app: it shows who signs in and a button that POSTs
    the signed answer to the service provider's ACS (the HTTP-POST binding, without script)."""
    from html import escape

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    async def sso(request: Request) -> HTMLResponse:
        answer = idp.answer(str(request.url))
        return HTMLResponse(
            f"<!doctype html><title>Test SAML IdP</title><form method=post action='{escape(answer['acs'])}'>"
            f"<p>Sign in as {escape(idp.person.email)}</p>"
            f"<input type=hidden name=SAMLResponse value='{answer['SAMLResponse']}'>"
            f"<input type=hidden name=RelayState value='{escape(answer['RelayState'])}'>"
            "<button>Continue</button></form>"
        )

    return Starlette(routes=[Route("/saml/sso", sso)])


def _name_id(value: str) -> Any:
    from saml2.saml import NameID

    return NameID(format=NAMEID_FORMAT_PERSISTENT, text=value)


def inflate(value: str) -> str:
    return zlib.decompress(base64.b64decode(value), -15).decode()


__all__ = ["BINDING_HTTP_POST", "IDP_ENTITY", "SLO_URL", "SamlPerson", "TestIdp", "inflate"]
