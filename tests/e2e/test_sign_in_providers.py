"""Signing in with a provider in Chromium, the whole way round: the login page's button, the
provider's own page (the authlib OpenID provider, or the pysaml2 SAML IdP, of tests/signin, on a
loopback port), and back into Lowcraft signed in. The providers are configured the
infrastructure-as-code way, with `LOWCRAFT_SIGN_IN_PROVIDERS`, and a refused sign-in comes back
to the login page explained."""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from lowcraft.devserver import ServerProcess, free_port, running_server
from tests.browser import server_env
from tests.e2e.conftest import Screenshots
from tests.signin.oidc_provider import CLIENT_ID, CLIENT_SECRET, Person, RunningProvider, TestProvider
from tests.signin.saml_idp import TestIdp, sign_on_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def provider() -> Iterator[TestProvider]:
    idp = TestProvider()
    running = RunningProvider(idp)
    running.start()
    yield idp
    running.stop()


@pytest.fixture
def sso_server(tmp_path: Path, provider: TestProvider) -> Iterator[ServerProcess]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    provider.redirect_uris = [f"{base}/api/v1/auth/providers/corp/callback"]
    provider.person = Person("p-42", "grace@example.com", name="Grace Hopper", groups=["staff"])
    provider.misbehave = {"interactive"}
    env = {
        **server_env(tmp_path),
        "LOWCRAFT_BASE_URL": base,
        "LOWCRAFT_SIGN_IN_ALLOW_LOOPBACK": "true",
        "LOWCRAFT_SIGN_IN_PROVIDERS": json.dumps([{
            "slug": "corp", "kind": "oidc", "name": "Corp ID",
            "settings": {"discoveryUrl": provider.issuer, "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET},
        }]),
    }
    with running_server(env, port=port) as server:
        yield server


def test_a_person_signs_in_with_the_provider_in_the_browser(
    browser: object, sso_server: ServerProcess, provider: TestProvider, screenshots: Screenshots
) -> None:
    context = browser.new_context(base_url=sso_server.url)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto("/login")
    button = page.get_by_role("link", name="Continue with Corp ID")
    button.wait_for()
    screenshots.take(page, "login-page")
    button.click()
    page.get_by_text("Sign in as grace@example.com").wait_for()  # the provider's own page
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Grace Hopper", exact=True).wait_for()  # the account menu, signed in
    # The shell draws the account menu at "/" and then moves on to the first workspace.
    page.wait_for_url(re.compile("^" + re.escape(sso_server.url) + "/workspaces"))
    screenshots.take(page, "signed-in")
    page.goto("/settings/identities")
    page.get_by_role("list", name="Linked accounts").get_by_text("Corp ID").wait_for()
    screenshots.take(page, "linked-accounts")
    context.close()


def test_a_refused_sign_in_is_explained_on_the_login_page_and_signs_no_one_in(
    browser: object, sso_server: ServerProcess, provider: TestProvider, screenshots: Screenshots
) -> None:
    provider.person = Person("p-43", "eve@example.com", email_verified=False)
    context = browser.new_context(base_url=sso_server.url)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto("/login")
    page.get_by_role("link", name="Continue with Corp ID").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("has not verified your email address").wait_for()
    assert "/login?error=sign_in_email_not_verified" in page.url
    screenshots.take(page, "refused")
    me = page.request.get(sso_server.url + "/api/v1/me")
    assert me.status == 401
    context.close()


@pytest.fixture
def saml_server(tmp_path: Path) -> Iterator[tuple[ServerProcess, TestIdp]]:
    """Lowcraft with a SAML provider set by LOWCRAFT_SIGN_IN_PROVIDERS, and the pysaml2 IdP's
    sign-on page served on another loopback port."""
    idp_port, port = free_port(), free_port()
    idp = TestIdp(tmp_path, sso_url=f"http://127.0.0.1:{idp_port}/saml/sso")
    config = uvicorn.Config(sign_on_page(idp), host="127.0.0.1", port=idp_port, log_level="warning", lifespan="off")
    idp_server = uvicorn.Server(config)
    thread = threading.Thread(target=idp_server.run, daemon=True)
    thread.start()
    env = {
        **server_env(tmp_path),
        "LOWCRAFT_BASE_URL": f"http://127.0.0.1:{port}",
        "LOWCRAFT_SIGN_IN_ALLOW_LOOPBACK": "true",
        "LOWCRAFT_SIGN_IN_PROVIDERS": json.dumps([{
            "slug": "corp-saml", "kind": "saml", "name": "Corp SAML", "settings": {"idpMetadataXml": idp.metadata()},
        }]),
    }
    with running_server(env, port=port) as server:
        idp.sp_metadata = urllib.request.urlopen(f"{server.url}/saml/corp-saml/metadata").read().decode()
        yield server, idp
    idp_server.should_exit = True
    thread.join(timeout=5)


def test_a_person_signs_in_with_a_saml_idp_in_the_browser(
    browser: object, saml_server: tuple[ServerProcess, TestIdp], screenshots: Screenshots
) -> None:
    server, idp = saml_server
    context = browser.new_context(base_url=server.url)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto("/login")
    page.get_by_role("link", name="Continue with Corp SAML").click()
    page.get_by_text(f"Sign in as {idp.person.email}").wait_for()  # the IdP's own page
    page.get_by_role("button", name="Continue").click()  # POSTs the signed assertion to the ACS
    page.get_by_text("Sam Example", exact=True).wait_for()
    assert page.url.startswith(server.url)
    screenshots.take(page, "signed-in-with-saml")
    context.close()


def test_an_instance_administrator_adds_a_provider_in_the_admin_page(
    browser: object, tmp_path: Path, provider: TestProvider, screenshots: Screenshots
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    provider.redirect_uris = [f"{base}/api/v1/auth/providers/okta/callback"]
    provider.person = Person("p-44", "ada@example.com", name="Ada")
    provider.misbehave = set()
    env = {**server_env(tmp_path), "LOWCRAFT_BASE_URL": base, "LOWCRAFT_SIGN_IN_ALLOW_LOOPBACK": "true"}
    with running_server(env, port=port) as server:
        context = browser.new_context(base_url=server.url)  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto("/signup")  # the first account: the instance administrator
        page.get_by_label("Name").fill("Root")
        page.get_by_label("Email").fill("root@example.com")
        page.get_by_label("Password").fill("correct-horse-battery")
        page.get_by_role("button", name="Sign up").click()
        page.get_by_role("link", name="Admin", exact=True).click()
        page.get_by_role("button", name="Add a provider").click()
        form = page.get_by_role("form", name="New provider")
        form.get_by_label("Kind").select_option(label="OpenID Connect")  # the form follows the kind's settings
        form.get_by_label("Name on the login button").fill("Okta")
        form.get_by_label("Short name (in addresses)").fill("okta")
        form.get_by_label("Discovery URL").fill(provider.issuer)
        form.get_by_label("Client ID").fill(CLIENT_ID)
        form.get_by_label("Client secret").fill(CLIENT_SECRET)
        screenshots.take(page, "admin-new-provider")
        form.get_by_role("button", name="Add provider").click()
        page.get_by_role("list", name="Sign-in providers").get_by_text("Okta").wait_for()
        screenshots.take(page, "admin-providers")
        page.get_by_role("button", name="Log out").click()
        page.get_by_role("link", name="Continue with Okta").click()  # the login page lists it at once
        page.get_by_text("Ada", exact=True).wait_for()
        context.close()
