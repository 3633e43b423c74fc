"""Signing in with an OpenID Connect provider, end to end over HTTP against a real provider
(`tests/signin/oidc_provider.py`, authlib's server side, signing real JWTs on a loopback port)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from lowcraft.accounts.signin import sync_environment_providers
from lowcraft.audit.models import AuditEvent
from lowcraft.identity.models import LinkedIdentity, SignInProvider, User
from tests.accounts.support import audit_rows, runtime_of
from tests.conftest import PASSWORD, Api, Instance
from tests.signin.conftest import SLUG, World, at_provider, come_back, provider_body, sign_in, start
from tests.signin.oidc_provider import CLIENT_SECRET, Person, TestProvider

SESSION_COOKIE = "lowcraft_session"


def refused_with(response: object, code: str) -> None:
    """Back at the login page with the reason, and no session."""
    assert response.status_code == 302  # type: ignore[attr-defined]
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert urlsplit(location).path == "/login"
    assert parse_qs(urlsplit(location).query)["error"] == [code]
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")  # type: ignore[attr-defined]


def test_a_person_signs_in_and_gets_an_account_just_in_time(world: World, idp: TestProvider) -> None:
    browser = world.instance.client()
    address = start(browser)
    query = parse_qs(urlsplit(address).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    answer = come_back(browser, at_provider(address))
    assert answer.status_code == 302 and answer.headers["location"] == "/workspaces"
    me = browser.ok("GET", "/api/v1/me")
    assert me["email"] == "alice@example.com" and me["isInstanceAdmin"] is False
    with runtime_of(world.instance).db.session() as db:
        user = db.scalar(select(User).where(User.email == "alice@example.com"))
        assert user is not None and user.password_hash is None
        linked = db.scalar(select(LinkedIdentity).where(LinkedIdentity.user_id == user.id))
        assert linked is not None and linked.subject == "alice-001"
    logged_in = audit_rows(world.instance, AuditEvent.action == "user.logged_in", AuditEvent.actor_email == "alice@example.com")
    assert logged_in[-1].summary == {"method": f"provider:{SLUG}"}
    identities = browser.ok("GET", "/api/v1/me/identities")["identities"]
    assert [(i["provider"], i["email"]) for i in identities] == [(SLUG, "alice@example.com")]



def test_an_existing_account_is_linked_by_its_verified_email(world: World, idp: TestProvider) -> None:
    alice = world.instance.user("alice@example.com", "Alice")
    workspaces_before = alice.ok("GET", "/api/v1/workspaces")["workspaces"]
    browser = world.instance.client()
    sign_in(browser)
    me = browser.ok("GET", "/api/v1/me")
    assert me["id"] == alice.user["id"]  # type: ignore[index]
    assert browser.ok("GET", "/api/v1/workspaces")["workspaces"] == workspaces_before
    assert [e.summary["provider"] for e in audit_rows(world.instance, AuditEvent.action == "user.identity_linked")] == [SLUG]
    # The password still works, and the next sign-in finds the account by the provider's subject.
    idp.person = Person("alice-001", "alice.renamed@example.com")
    assert sign_in(world.instance.client()).headers["location"] == "/workspaces"


@pytest.mark.parametrize(("misbehaviour", "code"), [
    ("tamper_signature", "sign_in_bad_signature"),
    ("sign_with_other_key", "sign_in_bad_signature"),
    ("wrong_audience", "sign_in_wrong_audience"),
    ("wrong_issuer", "sign_in_wrong_issuer"),
    ("expired", "sign_in_token_expired"),
    ("wrong_nonce", "sign_in_nonce_mismatch"),
])
def test_an_id_token_that_does_not_prove_who_signed_in_is_refused(
    world: World, idp: TestProvider, misbehaviour: str, code: str
) -> None:
    idp.misbehave = {misbehaviour}
    browser = world.instance.client()
    refused_with(sign_in(browser), code)
    assert browser.get("/api/v1/me").status_code == 401
    failure = audit_rows(world.instance, AuditEvent.action == "user.sign_in_failed")[-1]
    assert failure.summary["reason"] == code and failure.summary["provider"] == SLUG
    with runtime_of(world.instance).db.session() as db:
        assert db.scalar(select(User).where(User.email.in_(["alice@example.com", "mallory@example.com"]))) is None


def test_an_email_the_provider_has_not_verified_names_no_account(world: World, idp: TestProvider) -> None:
    world.instance.user("alice@example.com")  # an account an attacker would like to take over
    idp.person = Person("mallory-7", "alice@example.com", email_verified=False)
    browser = world.instance.client()
    refused_with(sign_in(browser), "sign_in_email_not_verified")
    assert browser.get("/api/v1/me").status_code == 401
    with runtime_of(world.instance).db.session() as db:
        assert db.scalar(select(LinkedIdentity)) is None


def test_an_answer_with_another_state_is_refused(world: World, idp: TestProvider) -> None:
    browser = world.instance.client()
    callback = at_provider(start(browser))
    forged = callback.replace("state=", "state=x")
    refused_with(come_back(browser, forged), "sign_in_state_mismatch")
    assert browser.get("/api/v1/me").status_code == 401


def test_an_answer_brought_to_another_browser_is_refused(world: World, idp: TestProvider) -> None:
    """Login CSRF: an attacker starts a sign-in and makes the victim's browser finish it."""
    attacker = world.instance.client()
    callback = at_provider(start(attacker))
    victim = world.instance.client()
    refused_with(come_back(victim, callback), "sign_in_state_mismatch")
    assert victim.get("/api/v1/me").status_code == 401


def test_an_answer_is_used_once(world: World, idp: TestProvider) -> None:
    browser = world.instance.client()
    callback = at_provider(start(browser))
    assert come_back(browser, callback).headers["location"] == "/workspaces"
    again = world.instance.client()
    again.cookies.update(browser.cookies)
    again.cookies.delete(SESSION_COOKIE)
    refused_with(come_back(again, callback), "sign_in_state_mismatch")


def test_a_provider_disabled_while_someone_signs_in_refuses_the_answer(world: World, idp: TestProvider) -> None:
    browser = world.instance.client()
    callback = at_provider(start(browser))
    world.root.ok("PATCH", f"/api/v1/admin/sign-in/providers/{world.provider_id}", json={"enabled": False})
    tokens_issued = idp.token_requests
    refused_with(come_back(browser, callback), "sign_in_provider_disabled")
    assert browser.get("/api/v1/me").status_code == 401
    assert idp.token_requests == tokens_issued  # the code was never even exchanged
    options = world.instance.anonymous().ok("GET", "/api/v1/auth/providers")
    assert options["providers"] == []


def test_the_provider_refusing_the_person_is_reported(world: World, idp: TestProvider) -> None:
    browser = world.instance.client()
    address = start(browser)
    state = parse_qs(urlsplit(address).query)["state"][0]
    denied = f"/api/v1/auth/providers/{SLUG}/callback?error=access_denied&state={state}"
    refused_with(browser.get(denied, follow_redirects=False), "sign_in_provider_error")


def test_without_just_in_time_accounts_only_existing_accounts_sign_in(world: World, idp: TestProvider) -> None:
    world.root.ok("PATCH", f"/api/v1/admin/sign-in/providers/{world.provider_id}", json={"createAccounts": False})
    refused_with(sign_in(world.instance.client()), "sign_in_not_allowed")
    world.instance.user("alice@example.com")
    assert sign_in(world.instance.client()).headers["location"] == "/workspaces"


def test_groups_map_to_workspace_roles_at_every_sign_in(world: World, idp: TestProvider) -> None:
    team = world.root.ok("POST", "/api/v1/workspaces", 201, json={"name": "Engineering"})["id"]
    rules = [
        {"claim": "groups", "value": "engineering", "workspaceId": team, "role": "viewer"},
        {"claim": "groups", "value": "leads", "workspaceId": team, "role": "developer"},
    ]
    world.root.ok("PATCH", f"/api/v1/admin/sign-in/providers/{world.provider_id}", json={"roleMapping": rules})

    def role_in_team() -> str | None:
        browser = world.instance.client()
        sign_in(browser)
        found = [w for w in browser.ok("GET", "/api/v1/workspaces")["workspaces"] if w["id"] == team]
        return found[0]["role"] if found else None

    idp.person = Person("alice-001", "alice@example.com", groups=["engineering"])
    assert role_in_team() == "viewer"
    idp.person = Person("alice-001", "alice@example.com", groups=["engineering", "leads"])
    assert role_in_team() == "developer"  # the highest matching rule
    idp.person = Person("alice-001", "alice@example.com", groups=["sales"])
    assert role_in_team() is None  # left: the mapping granted it and matches no more
    changes = [e.action for e in audit_rows(world.instance, AuditEvent.workspace_id == team)]
    assert changes[-3:] == ["member.joined", "member.role_changed", "member.removed"]


def test_a_mapping_must_name_existing_workspaces(world: World) -> None:
    rules = [{"claim": "groups", "value": "x", "workspaceId": "nope", "role": "viewer"}]
    response = world.root.patch(f"/api/v1/admin/sign-in/providers/{world.provider_id}", json={"roleMapping": rules})
    assert response.status_code == 422 and "nope" in response.json()["error"]["message"]


def test_the_client_secret_is_stored_sealed_and_never_answered(world: World) -> None:
    admin_page = world.root.get("/api/v1/admin/sign-in")
    assert admin_page.status_code == 200 and CLIENT_SECRET not in admin_page.text
    provider = admin_page.json()["providers"][0]
    assert provider["secretsSet"] == ["clientSecret"] and "clientSecret" not in provider["settings"]
    assert provider["callbackUrl"].endswith(f"/api/v1/auth/providers/{SLUG}/callback")
    with runtime_of(world.instance).db.session() as db:
        row = db.get(SignInProvider, world.provider_id)
        assert row is not None and CLIENT_SECRET not in str(row.settings) and CLIENT_SECRET not in (row.sealed_secrets or "")
    assert all(CLIENT_SECRET not in str(e.summary) for e in audit_rows(world.instance))
    # A change that leaves the secret out keeps it: sign-in still works.
    world.root.ok("PATCH", f"/api/v1/admin/sign-in/providers/{world.provider_id}",
                  json={"settings": {"discoveryUrl": provider["settings"]["discoveryUrl"], "clientId": "lowcraft-test"}})


def test_provider_changes_are_audited(world: World) -> None:
    world.root.ok("PATCH", f"/api/v1/admin/sign-in/providers/{world.provider_id}", json={"name": "Renamed"})
    world.root.ok("DELETE", f"/api/v1/admin/sign-in/providers/{world.provider_id}", 204)
    actions = [e.action for e in audit_rows(world.instance) if e.action.startswith("sign_in_provider.")]
    assert actions == ["sign_in_provider.created", "sign_in_provider.updated", "sign_in_provider.deleted"]


def test_unlinking_the_only_way_in_is_refused(world: World, idp: TestProvider) -> None:
    browser = world.instance.client()
    sign_in(browser)
    identity = browser.ok("GET", "/api/v1/me/identities")["identities"][0]
    refused = browser.delete(f"/api/v1/me/identities/{identity['id']}")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "last_sign_in_method"
    linked_with_password = world.instance.user("bob@example.com")
    idp.person = Person("bob-1", "bob@example.com")
    sign_in(linked_with_password)
    bob_identity = linked_with_password.ok("GET", "/api/v1/me/identities")["identities"][0]
    linked_with_password.ok("DELETE", f"/api/v1/me/identities/{bob_identity['id']}", 204)
    assert linked_with_password.ok("GET", "/api/v1/me/identities")["identities"] == []


def test_password_login_can_be_turned_off_but_instance_administrators_keep_it(world: World) -> None:
    world.instance.user("carol@example.com")
    world.root.ok("PUT", "/api/v1/admin/sign-in/settings", json={"passwordLogin": False})
    anonymous: Api = world.instance.anonymous()
    assert anonymous.ok("GET", "/api/v1/auth/providers")["passwordLogin"] is False
    refused = anonymous.post("/api/v1/auth/login", json={"email": "carol@example.com", "password": PASSWORD})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "password_login_disabled"
    wrong = anonymous.post("/api/v1/auth/login", json={"email": "carol@example.com", "password": "not-it-at-all"})
    assert wrong.status_code == 401  # a wrong password says nothing more than before
    reasons = [e.summary["reason"] for e in audit_rows(world.instance, AuditEvent.action == "user.sign_in_failed",
                                                       AuditEvent.target_name == "carol@example.com")]
    assert reasons[-2:] == ["password_login_disabled", "invalid_credentials"]
    glass = world.instance.anonymous().post("/api/v1/auth/login", json={"email": "root@example.com", "password": PASSWORD})
    assert glass.status_code == 200
    event = audit_rows(world.instance, AuditEvent.action == "user.logged_in", AuditEvent.actor_email == "root@example.com")[-1]
    assert event.summary == {"method": "password:break_glass"}
    signup = anonymous.post("/api/v1/auth/signup", json={"email": "dave@example.com", "password": PASSWORD})
    assert signup.status_code == 400 and signup.json()["error"]["code"] == "signup_closed"
    assert "instance.password_login_changed" in [e.action for e in audit_rows(world.instance)]


def test_the_first_account_made_through_a_provider_is_no_instance_administrator(
    sso_instance: Instance, idp: TestProvider
) -> None:
    """A provider may admit a whole organisation: its first member to sign in is anyone.
    Instance administrators come from LOWCRAFT_ADMIN_EMAILS instead."""
    settings = sso_instance.settings.model_copy(update={"sign_in_providers": json.dumps([provider_body(idp)])})
    runtime = runtime_of(sso_instance)
    runtime.settings = settings
    sync_environment_providers(runtime)
    browser = sso_instance.client()
    sign_in(browser)
    assert browser.ok("GET", "/api/v1/me")["isInstanceAdmin"] is False


def test_a_provider_sign_in_asks_for_the_second_factor_before_any_session(world: World, idp: TestProvider) -> None:
    from tests.accounts.test_two_factor import enrol

    alice = world.instance.user("alice@example.com", "Alice")
    phone, _ = enrol(alice)
    browser = world.instance.client()
    answer = sign_in(browser)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    assert location.path == "/login" and parse_qs(location.query) == {"step": ["two_factor"], "next": ["/workspaces"]}
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")
    assert browser.get("/api/v1/me").status_code == 401  # the pending sign-in is no session
    me = browser.ok("POST", "/api/v1/auth/two-factor", json={"code": phone.code()})
    assert me["email"] == "alice@example.com"
    assert browser.ok("GET", "/api/v1/me")["id"] == alice.user["id"]  # type: ignore[index]
    logged_in = audit_rows(world.instance, AuditEvent.action == "user.logged_in", AuditEvent.actor_email == "alice@example.com")
    assert logged_in[-1].summary == {"method": f"provider:{SLUG}", "second_factor": "totp"}
