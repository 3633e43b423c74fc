"""Signing in with GitHub: OAuth 2 (no ID token), who signed in read from GitHub's API with the
access token; only a primary email GitHub verified names an account; organizations feed role
mapping."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Instance
from tests.signin.conftest import World, come_back, start
from tests.signin.github_server import CLIENT_ID, CLIENT_SECRET, GithubUser, TestGithub
from tests.signin.test_oidc_sign_in import refused_with


@pytest.fixture(scope="module")
def github() -> Iterator[TestGithub]:
    server = TestGithub()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def with_github(world: World, github: TestGithub) -> Instance:
    github.user = GithubUser()
    team = world.root.ok("POST", "/api/v1/workspaces", 201, json={"name": "Acme"})["id"]
    world.root.ok("POST", "/api/v1/admin/sign-in/providers", 201, json={
        "slug": "github", "kind": "github", "name": "GitHub",
        "settings": {"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET, "webUrl": github.url,
                     "apiUrl": github.url + "/api/v3", "organizations": True},
        "roleMapping": [{"claim": "organizations", "value": "acme", "workspaceId": team, "role": "developer"}],
    })
    return world.instance


def github_sign_in(instance: Instance) -> tuple[object, object]:
    browser = instance.client()
    address = start(browser, "github")
    assert "read%3Aorg" in address and "code_challenge_method=S256" in address
    callback = _follow(address)
    return browser, come_back(browser, callback)


def _follow(address: str) -> str:
    import httpx

    response = httpx.get(address, follow_redirects=False)
    assert response.status_code == 302, response.text
    return response.headers["location"]


def test_a_github_user_signs_in_with_their_verified_primary_email(with_github: Instance) -> None:
    browser, answer = github_sign_in(with_github)
    assert answer.headers["location"] == "/workspaces"  # type: ignore[attr-defined]
    me = browser.ok("GET", "/api/v1/me")  # type: ignore[attr-defined]
    assert me["email"] == "octocat@example.com" and me["name"] == "The Octocat"
    roles = {w["name"]: w["role"] for w in browser.ok("GET", "/api/v1/workspaces")["workspaces"]}  # type: ignore[attr-defined]
    assert roles["Acme"] == "developer"  # from the organization


def test_an_unverified_primary_email_names_no_account(with_github: Instance, github: TestGithub) -> None:
    github.user = GithubUser(emails=[{"email": "octocat@example.com", "primary": True, "verified": False}])
    browser, answer = github_sign_in(with_github)
    refused_with(answer, "sign_in_email_not_verified")
    assert browser.get("/api/v1/me").status_code == 401  # type: ignore[attr-defined]
