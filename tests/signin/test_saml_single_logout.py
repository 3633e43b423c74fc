"""SAML single logout with the test IdP (pysaml2 on both sides, real signatures by xmlsec1):
logging out of Lowcraft logs out of the IdP too, the IdP's logout ends the sessions that came from
it, and a logout message that does not prove it comes from the IdP changes nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.samlp import STATUS_SUCCESS
from sqlalchemy import select

from lowcraft.audit.models import AuditEvent
from lowcraft.identity.models import SamlSession
from tests.accounts.support import audit_rows, runtime_of
from tests.conftest import Api, Instance
from tests.signin.conftest import World
from tests.signin.saml_idp import SLO_URL, TestIdp
from tests.signin.test_saml_sign_in import saml_sign_in

bindings = {"redirect": BINDING_HTTP_REDIRECT, "post": BINDING_HTTP_POST}


def session_indexes(instance: Instance) -> list[str]:
    with runtime_of(instance).db.session() as db:
        return [row.session_index for row in db.scalars(select(SamlSession)).all()]


def signed_in(instance: Instance, idp: TestIdp) -> Api:
    browser, answer = saml_sign_in(instance, idp)
    assert answer.headers["location"] == "/"  # type: ignore[attr-defined]
    return browser


def deliver(browser: Api, message: dict[str, str], binding: str = "redirect") -> object:
    params = {k: v for k, v in message.items() if k != "url"}
    path = urlsplit(message["url"]).path
    if binding == "post":
        return browser.post(path, data=params, headers={"X-Requested-By": ""}, follow_redirects=False)
    return browser.get(path, params=params, follow_redirects=False)


def test_the_sp_metadata_advertises_single_logout_and_the_signing_certificate(saml: Instance) -> None:
    metadata = saml.anonymous().get("/saml/corp-saml/metadata").text
    assert "SingleLogoutService" in metadata and "http://testserver/saml/corp-saml/slo" in metadata
    assert 'use="signing"' in metadata and "X509Certificate" in metadata


def test_logging_out_of_lowcraft_logs_out_of_the_idp_with_a_signed_request(saml: Instance, saml_idp: TestIdp) -> None:
    browser = signed_in(saml, saml_idp)
    (index,) = session_indexes(saml)
    out = browser.post("/api/v1/auth/logout")
    assert out.status_code == 200, out.text
    assert browser.get("/api/v1/me").status_code == 401  # over here before the IdP answers
    back = saml_idp.answer_logout(out.json()["redirect"])
    assert saml_idp.logged_out[-1] == ("u-1001", [index])
    assert back.startswith("http://testserver/saml/corp-saml/slo?")
    done = browser.get(back.removeprefix("http://testserver"), follow_redirects=False)
    assert done.status_code == 302 and done.headers["location"] == "/login?logged_out=1", done.text
    assert session_indexes(saml) == []
    replayed = browser.get(back.removeprefix("http://testserver"), follow_redirects=False)
    assert replayed.status_code == 400 and replayed.json()["error"]["code"] == "saml_logout_refused"


def test_an_unsigned_or_forged_logout_answer_is_refused(saml: Instance, saml_idp: TestIdp) -> None:
    for misbehaviour in ("unsigned", "sign_with_other_key"):
        saml_idp.misbehave = set()
        browser = signed_in(saml, saml_idp)
        saml_idp.misbehave = {misbehaviour}
        back = saml_idp.answer_logout(browser.post("/api/v1/auth/logout").json()["redirect"])
        refused = browser.get(back.removeprefix("http://testserver"), follow_redirects=False)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "saml_logout_refused", misbehaviour


def test_without_single_logout_at_the_idp_logout_ends_only_the_lowcraft_session(
    world: World, saml: Instance, saml_idp: TestIdp
) -> None:
    saml_idp.single_logout = False
    try:
        provider = next(p for p in world.root.ok("GET", "/api/v1/admin/sign-in")["providers"] if p["kind"] == "saml")
        world.root.ok("PATCH", f"/api/v1/admin/sign-in/providers/{provider['id']}",
                      json={"settings": {"idpMetadataXml": saml_idp.metadata()}})
        browser = signed_in(saml, saml_idp)
        assert browser.post("/api/v1/auth/logout").status_code == 204
        assert browser.get("/api/v1/me").status_code == 401
    finally:
        saml_idp.single_logout = True


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_the_idps_logout_ends_the_persons_sessions_from_it_and_is_answered_signed(
    saml: Instance, saml_idp: TestIdp, binding: str
) -> None:
    first, second = signed_in(saml, saml_idp), signed_in(saml, saml_idp)
    other = saml.user("olga@example.com")  # a password session of someone else
    index = session_indexes(saml)[0]
    message = saml_idp.logout_request(index, binding=bindings[binding])
    answer = deliver(saml.client(), message, binding)
    assert answer.status_code in (302, 303), answer.text  # type: ignore[attr-defined]
    assert saml_idp.check_logout_response(answer.headers["location"]) == STATUS_SUCCESS  # type: ignore[attr-defined]
    statuses = sorted([first.get("/api/v1/me").status_code, second.get("/api/v1/me").status_code])
    assert statuses == [200, 401]  # only the IdP session named by its SessionIndex
    assert other.get("/api/v1/me").status_code == 200
    event = audit_rows(saml, AuditEvent.action == "user.logged_out")[-1]
    assert event.summary == {"by": "provider:corp-saml", "sessions": 1} and event.target_name == "sam@example.com"
    everything = deliver(saml.client(), saml_idp.logout_request())  # no SessionIndex: every session of Sam's
    assert everything.status_code == 302  # type: ignore[attr-defined]
    assert first.get("/api/v1/me").status_code == 401 and second.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(("how", "binding"), [
    ("unsigned", "redirect"), ("forged", "redirect"), ("unsigned", "post"), ("forged", "post"), ("tampered", "redirect"),
])
def test_a_logout_request_not_signed_by_the_idp_is_refused_and_ends_nothing(
    saml: Instance, saml_idp: TestIdp, how: str, binding: str
) -> None:
    browser = signed_in(saml, saml_idp)
    message = saml_idp.logout_request(sign=how != "unsigned", rogue=how == "forged", binding=bindings[binding])
    if how == "tampered":
        message["RelayState"] = "changed-after-signing"
    refused = deliver(saml.client(), message, binding)
    assert refused.status_code == 400, refused.text  # type: ignore[attr-defined]
    assert refused.json()["error"]["code"] == "saml_logout_refused"  # type: ignore[attr-defined]
    assert browser.get("/api/v1/me").status_code == 200
    assert not [e for e in audit_rows(saml, AuditEvent.action == "user.logged_out")
                if (e.summary or {}).get("by") == "provider:corp-saml"]


def test_the_slo_address_of_an_unknown_provider_is_404(saml: Instance) -> None:
    assert saml.anonymous().get("/saml/nobody/slo", params={"SAMLRequest": "x"}).status_code == 404
    assert SLO_URL  # the IdP's address, which the test carries itself


def test_a_session_started_after_the_second_factor_still_logs_out_at_the_idp(saml: Instance, saml_idp: TestIdp) -> None:
    from tests.accounts.test_two_factor import enrol

    phone, _ = enrol(saml.user("sam@example.com", "Sam"))
    browser, answer = saml_sign_in(saml, saml_idp)
    assert urlsplit(answer.headers["location"]).path == "/login"  # type: ignore[attr-defined]
    browser.ok("POST", "/api/v1/auth/two-factor", json={"code": phone.code()})
    (index,) = session_indexes(saml)
    assert deliver(saml.client(), saml_idp.logout_request(index)).status_code == 302  # type: ignore[attr-defined]
    assert browser.get("/api/v1/me").status_code == 401
