"""Fixtures of the sign-in specifications: the test OpenID provider on a loopback port, and a
Lowcraft instance allowed to reach it, with an instance administrator who configured it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from lowcraft.app import create_app
from lowcraft.config import Settings
from lowcraft.signin.oidc import documents
from tests.conftest import Api, Instance
from tests.signin.oidc_provider import CLIENT_ID, CLIENT_SECRET, Person, RunningProvider, TestProvider
from tests.signin.saml_idp import SamlPerson, TestIdp

BASE_URL = "http://testserver"
SLUG = "test-idp"
CALLBACK = f"{BASE_URL}/api/v1/auth/providers/{SLUG}/callback"


@pytest.fixture(scope="session")
def running_provider() -> Iterator[TestProvider]:
    provider = TestProvider()
    running = RunningProvider(provider)
    running.start()
    provider.redirect_uris = [CALLBACK]
    yield provider
    running.stop()


@pytest.fixture
def idp(running_provider: TestProvider) -> Iterator[TestProvider]:
    """The provider, reset: Alice signs in, and it behaves."""
    running_provider.person = Person("alice-001", "alice@example.com", groups=["engineering"])
    running_provider.misbehave = set()
    documents.clear()
    yield running_provider
    running_provider.misbehave = set()


@pytest.fixture
def sso_instance(settings_factory: Callable[..., Settings]) -> Iterator[Instance]:
    settings = settings_factory(base_url=BASE_URL, sign_in_allow_loopback=True)
    app = create_app(settings, migrate=False)
    with TestClient(app) as main:
        yield Instance(app, settings, main)


def provider_body(idp: TestProvider, **overrides: Any) -> dict[str, Any]:
    return {
        "slug": SLUG, "kind": "oidc", "name": "Test IdP",
        "settings": {"discoveryUrl": idp.issuer, "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET},
        **overrides,
    }


@dataclass
class World:
    instance: Instance
    root: Api
    provider_id: str


@pytest.fixture
def world(sso_instance: Instance, idp: TestProvider) -> World:
    root = sso_instance.user("root@example.com", "Root")
    created = root.ok("POST", "/api/v1/admin/sign-in/providers", 201, json=provider_body(idp))
    return World(sso_instance, root, created["id"])


def start(browser: Api, slug: str = SLUG) -> str:
    """Press the provider's button on the login page: the address the browser is sent to."""
    response = browser.get(f"/api/v1/auth/providers/{slug}/start", params={"next": "/workspaces"}, follow_redirects=False)
    assert response.status_code == 302, response.text
    return response.headers["location"]


def at_provider(address: str) -> str:
    """The person signs in at the provider: the callback address it sends the browser back to."""
    response = httpx.get(address, follow_redirects=False)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(CALLBACK), location
    return location


def come_back(browser: Api, callback: str) -> httpx.Response:
    parts = urlsplit(callback)
    return browser.get(f"{parts.path}?{parts.query}", follow_redirects=False)


def sign_in(browser: Api) -> httpx.Response:
    return come_back(browser, at_provider(start(browser)))


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestIdp]:
    yield TestIdp(tmp_path_factory.mktemp("saml"))


@pytest.fixture
def saml(world: World, saml_idp: TestIdp) -> Instance:
    saml_idp.person = SamlPerson()
    saml_idp.misbehave = set()
    saml_idp.single_logout = True
    world.root.ok("POST", "/api/v1/admin/sign-in/providers", 201, json={
        "slug": "corp-saml", "kind": "saml", "name": "Corp SAML",
        "settings": {"idpMetadataXml": saml_idp.metadata()},
    })
    saml_idp.sp_metadata = world.instance.anonymous().get("/saml/corp-saml/metadata").text
    return world.instance
