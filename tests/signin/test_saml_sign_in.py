"""Signing in with a SAML 2.0 IdP (pysaml2 on both sides, real XML signatures by xmlsec1): the
AuthnRequest goes out over the redirect binding, the signed assertion comes back as a form POST
to the assertion consumer service, and the callback checks it in the browser that started."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from lowcraft.audit.models import AuditEvent
from tests.accounts.support import audit_rows
from tests.conftest import Api, Instance
from tests.signin.conftest import BASE_URL, World
from tests.signin.saml_idp import TestIdp
from tests.signin.test_oidc_sign_in import refused_with

ACS = f"{BASE_URL}/saml/corp-saml/acs"
SP_ENTITY = f"{BASE_URL}/saml/corp-saml/metadata"


def saml_sign_in(instance: Instance, idp: TestIdp) -> tuple[Api, object]:
    browser = instance.client()
    started = browser.get("/api/v1/auth/providers/corp-saml/start", follow_redirects=False)
    assert started.status_code == 302, started.text
    answer = idp.answer(started.headers["location"])
    return browser, post_answer(browser, answer)


def post_answer(browser: Api, answer: dict[str, str]) -> object:
    """What the IdP's auto-submitting form makes the browser do: POST to the ACS (no CSRF header,
    as a cross-site form sends none), then follow the redirect to the callback."""
    posted = browser.post(urlsplit(answer["acs"]).path, data={"SAMLResponse": answer["SAMLResponse"],
                          "RelayState": answer["RelayState"]}, headers={"X-Requested-By": ""}, follow_redirects=False)
    assert posted.status_code == 303, posted.text
    return browser.get(posted.headers["location"], follow_redirects=False)


def test_the_sp_metadata_names_the_assertion_consumer_service(saml: Instance) -> None:
    metadata = saml.anonymous().get("/saml/corp-saml/metadata")
    assert metadata.status_code == 200 and metadata.headers["content-type"].startswith("application/samlmetadata+xml")
    assert ACS in metadata.text and SP_ENTITY in metadata.text


def test_a_person_signs_in_with_a_signed_assertion(saml: Instance, saml_idp: TestIdp) -> None:
    browser, answer = saml_sign_in(saml, saml_idp)
    assert answer.status_code == 302 and answer.headers["location"] == "/", answer.headers  # type: ignore[attr-defined]
    me = browser.ok("GET", "/api/v1/me")
    assert me["email"] == "sam@example.com" and me["name"] == "Sam Example"
    event = audit_rows(saml, AuditEvent.action == "user.logged_in", AuditEvent.actor_email == "sam@example.com")[-1]
    assert event.summary == {"method": "provider:corp-saml"}


@pytest.mark.parametrize(("misbehaviour", "code"), [
    ("unsigned", "sign_in_bad_signature"),
    ("sha1", "sign_in_bad_signature"),
    ("sign_with_other_key", "sign_in_bad_signature"),
    ("wrong_audience", "sign_in_wrong_audience"),
    ("expired", "sign_in_token_expired"),
    ("wrong_in_response_to", "sign_in_state_mismatch"),
])
def test_an_assertion_that_does_not_prove_who_signed_in_is_refused(
    saml: Instance, saml_idp: TestIdp, misbehaviour: str, code: str
) -> None:
    saml_idp.misbehave = {misbehaviour}
    browser, answer = saml_sign_in(saml, saml_idp)
    refused_with(answer, code)
    assert browser.get("/api/v1/me").status_code == 401
    assert audit_rows(saml, AuditEvent.action == "user.sign_in_failed")[-1].summary["reason"] == code


def test_a_replayed_assertion_is_refused(saml: Instance, saml_idp: TestIdp) -> None:
    browser = saml.client()
    started = browser.get("/api/v1/auth/providers/corp-saml/start", follow_redirects=False)
    answer = saml_idp.answer(started.headers["location"])
    assert post_answer(browser, answer).headers["location"] == "/"  # type: ignore[attr-defined]
    thief = saml.client()
    thief.cookies.update({k: v for k, v in browser.cookies.items() if k != "lowcraft_session"})
    refused_with(post_answer(thief, answer), "sign_in_state_mismatch")
    assert thief.get("/api/v1/me").status_code == 401


def test_an_assertion_brought_to_another_browser_is_refused(saml: Instance, saml_idp: TestIdp) -> None:
    attacker = saml.client()
    started = attacker.get("/api/v1/auth/providers/corp-saml/start", follow_redirects=False)
    answer = saml_idp.answer(started.headers["location"])
    victim = saml.client()
    refused_with(post_answer(victim, answer), "sign_in_state_mismatch")


def test_idp_initiated_sign_in_needs_the_setting_and_is_used_once(world: World, saml: Instance, saml_idp: TestIdp) -> None:
    unsolicited = saml_idp.unsolicited(ACS, SP_ENTITY)
    refused_with(post_answer(saml.client(), unsolicited), "sign_in_state_mismatch")
    provider = next(p for p in world.root.ok("GET", "/api/v1/admin/sign-in")["providers"] if p["kind"] == "saml")
    world.root.ok("PATCH", f"/api/v1/admin/sign-in/providers/{provider['id']}", json={
        "settings": {"idpMetadataXml": saml_idp.metadata(), "allowIdpInitiated": True}})
    fresh = saml_idp.unsolicited(ACS, SP_ENTITY)
    browser = saml.client()
    assert post_answer(browser, fresh).headers["location"] == "/"  # type: ignore[attr-defined]
    assert browser.ok("GET", "/api/v1/me")["email"] == "sam@example.com"
    refused_with(post_answer(saml.client(), fresh), "sign_in_replayed")


def test_saml_attributes_map_to_workspace_roles(world: World, saml: Instance, saml_idp: TestIdp) -> None:
    team = world.root.ok("POST", "/api/v1/workspaces", 201, json={"name": "Analytics"})["id"]
    provider = next(p for p in world.root.ok("GET", "/api/v1/admin/sign-in")["providers"] if p["kind"] == "saml")
    world.root.ok("PATCH", f"/api/v1/admin/sign-in/providers/{provider['id']}", json={
        "roleMapping": [{"claim": "groups", "value": "analysts", "workspaceId": team, "role": "developer"}]})
    browser, _ = saml_sign_in(saml, saml_idp)
    roles = {w["name"]: w["role"] for w in browser.ok("GET", "/api/v1/workspaces")["workspaces"]}
    assert roles["Analytics"] == "developer"
