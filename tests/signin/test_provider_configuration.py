"""Providers configured by instance administrators and by the environment (infrastructure as
code), and where outgoing calls to providers may go."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from lowcraft.accounts.signin import parse_environment
from lowcraft.app import create_app
from lowcraft.audit.models import AuditEvent
from lowcraft.config import Settings
from tests.accounts.support import audit_rows
from tests.conftest import Instance
from tests.signin.conftest import BASE_URL, SLUG, World, provider_body, start
from tests.signin.oidc_provider import TestProvider


def test_providers_from_the_environment_are_read_only_in_the_admin_page(
    settings_factory: Callable[..., Settings], idp: TestProvider
) -> None:
    declared = json.dumps([provider_body(idp, roleMapping=[])])
    settings = settings_factory(base_url=BASE_URL, sign_in_allow_loopback=True, sign_in_providers=declared)
    app = create_app(settings, migrate=False)
    with TestClient(app) as main:
        inst = Instance(app, settings, main)
        root = inst.user("root@example.com")
        provider = root.ok("GET", "/api/v1/admin/sign-in")["providers"][0]
        assert provider["managedBy"] == "environment" and provider["secretsSet"] == ["clientSecret"]
        refused = root.patch(f"/api/v1/admin/sign-in/providers/{provider['id']}", json={"name": "Other"})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "provider_managed_by_environment"
        assert root.delete(f"/api/v1/admin/sign-in/providers/{provider['id']}").status_code == 409
        assert inst.anonymous().ok("GET", "/api/v1/auth/providers")["providers"] == [
            {"slug": SLUG, "name": "Test IdP", "kind": "oidc"}
        ]
    app.state.runtime.close()
    # The next start without the entry turns the provider off (its linked identities stay).
    again = create_app(settings.model_copy(update={"sign_in_providers": "[]"}), migrate=False)
    with TestClient(again) as main:
        assert Instance(again, settings, main).anonymous().ok("GET", "/api/v1/auth/providers")["providers"] == []
        changes = [e.summary for e in audit_rows(Instance(again, settings, main), AuditEvent.action == "sign_in_provider.updated")]
        assert changes[-1]["by"] == "environment" and changes[-1]["enabled"] is False


@pytest.mark.parametrize(("value", "problem"), [
    ("{", "not JSON"),
    ('{"slug": "x"}', "a JSON list"),
    ('[{"slug": "x", "kind": "ldap", "name": "X"}]', "entry 0"),
    ('[{"slug": "x", "kind": "oidc", "name": "X", "settings": {}}]', "entry 0"),
    ('[{"slug": "Bad Slug", "kind": "github", "name": "X", "settings": {"clientId": "c"}}]', "entry 0"),
])
def test_a_malformed_environment_entry_stops_the_start_with_its_problem(value: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_environment(value)


def test_providers_on_loopback_need_the_setting(settings_factory: Callable[..., Settings], idp: TestProvider) -> None:
    settings = settings_factory(base_url=BASE_URL)  # LOWCRAFT_SIGN_IN_ALLOW_LOOPBACK unset
    app = create_app(settings, migrate=False)
    with TestClient(app) as main:
        inst = Instance(app, settings, main)
        inst.user("root@example.com").ok("POST", "/api/v1/admin/sign-in/providers", 201, json=provider_body(idp))
        browser = inst.client()
        answer = browser.get(f"/api/v1/auth/providers/{SLUG}/start", follow_redirects=False)
        assert answer.headers["location"] == "/login?error=sign_in_address_refused"
    app.state.runtime.close()


@pytest.mark.parametrize("address", [
    "http://169.254.169.254/latest/meta-data",  # cloud metadata: never
    "http://10.0.0.7/.well-known/openid-configuration",  # a private network, but plain http
])
def test_provider_addresses_are_checked_before_any_call(world: World, address: str) -> None:
    created = world.root.ok("POST", "/api/v1/admin/sign-in/providers", 201, json={
        "slug": "odd", "kind": "oidc", "name": "Odd", "settings": {"discoveryUrl": address, "clientId": "c"}})
    assert created["settings"]["discoveryUrl"].startswith(address.split("/.well-known")[0])
    answer = world.instance.client().get("/api/v1/auth/providers/odd/start", follow_redirects=False)
    assert answer.headers["location"] == "/login?error=sign_in_address_refused"


def test_only_known_kinds_and_valid_settings_are_accepted(world: World, idp: TestProvider) -> None:
    unknown = world.root.post("/api/v1/admin/sign-in/providers", json=provider_body(idp, slug="x", kind="ldap"))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_provider_kind"
    bad = world.root.post("/api/v1/admin/sign-in/providers", json=provider_body(idp, slug="y", settings={"clientId": "c"}))
    assert bad.status_code == 422 and "discoveryUrl" in bad.json()["error"]["message"]
    taken = world.root.post("/api/v1/admin/sign-in/providers", json=provider_body(idp))
    assert taken.status_code == 409


def test_a_start_sends_the_browser_to_the_provider_with_pkce(world: World) -> None:
    address = start(world.instance.client())
    assert "code_challenge=" in address and "code_challenge_method=S256" in address
