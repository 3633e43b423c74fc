"""Security, outbound connections from Git sync (the SSRF class of `test_network_guard.py`, with the
same address tables): a Developer chooses the remote, and the server connects to it.

- Only network remotes: no `file://` or local path (another app's clone, the data folder), no
  `ext::` (a command git would run), no other protocol, no credentials in the URL.
- The remote's host passes the datasources' network guard for the app's workspace before libgit2
  connects: loopback in every spelling and private addresses only where an instance administrator
  allowed private networks for the workspace; link-local and cloud metadata addresses never, over
  HTTPS or SSH; the instance's own services never.
- A remote that redirects to another host is not followed: libgit2 would otherwise connect to a
  host the guard never checked, and hand it the token.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from lowcraft.app import create_app
from lowcraft.config import Settings
from tests.conftest import Api, Instance, first_workspace
from tests.git.remotes import GitHttp, git
from tests.git.support import new_app
from tests.security.test_network_guard import ALWAYS_REFUSED, LOOPBACK_SPELLINGS, PRIVATE

# The store's backend plays no part here: one is enough.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def guarded(settings_factory: Callable[..., Settings]) -> Iterator[Instance]:
    """An instance as installed: private networks off."""
    app = create_app(settings_factory(allow_private_networks=False), migrate=False)
    with TestClient(app) as main:
        yield Instance(app, app.state.runtime.settings, main)


def _connect(client: Api, app: str, url: str, auth: str = "token") -> Any:
    body = {"remoteUrl": url, "auth": auth} | ({"token": "t"} if auth == "token" else {})
    return client.post(f"/api/v1/applications/{app}/git/connect", json=body)


def _connected(client: Api, app: str) -> bool:
    return bool(client.ok("GET", f"/api/v1/applications/{app}/git")["connected"])


# Remotes that are no network remote; `{clones}` is the data folder's clones, `{marker}` a file
# that exists only if git ran a command.
NOT_NETWORK_REMOTES = [
    "file:///etc",
    "file://{clones}/other-app.git",
    "file://localhost/srv/repo.git",
    "{clones}/other-app.git",
    "../other-app.git",
    "ext::sh -c touch% {marker}",
    "ext::ssh -o ProxyCommand=touch% {marker} example.com %S /x.git",
    "fd::3",
    "ftp://example.com/x.git",
    "git://example.com/x.git",
    "https://user:secret@example.com/x.git",
    "ssh://git:secret@example.com/x.git",
]


@pytest.mark.parametrize("template", NOT_NETWORK_REMOTES)
def test_only_network_remotes(instance: Instance, admin: Api, template: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    url = template.format(clones=instance.settings.data_dir / "git" / "clones", marker=marker)
    app = new_app(admin)
    response = _connect(admin, app, url)
    assert response.status_code == 422 and response.json()["error"]["details"] == {"field": "remoteUrl"}
    assert "secret" not in response.text
    assert not marker.exists() and not _connected(admin, app)


def _url_host(host: str) -> str:
    return f"[{host.strip('[]')}]" if ":" in host else host


def _remotes(host: str) -> list[tuple[str, str]]:
    """The remote, in each form Git sync takes, and the credential it is tried with."""
    forms = [(f"https://{_url_host(host)}/x.git", "token"), (f"http://{_url_host(host)}:8080/x.git", "token"),
             (f"ssh://git@{_url_host(host)}/x.git", "ssh")]
    if ":" not in host:
        forms.append((f"git@{host}:team/x.git", "ssh"))
    return forms


def _refused_everywhere(client: Api, host: str) -> None:
    app = new_app(client)
    client.ok("POST", f"/api/v1/applications/{app}/git/deploy-key", 201)
    for url, auth in _remotes(host):
        response = _connect(client, app, url, auth)
        assert response.status_code == 422, (url, response.text)
        error = response.json()["error"]
        assert error["code"] == "git_remote_unreachable", (url, error)
        assert "may not connect" in error["message"] or "could not be resolved" in error["message"], (url, error)
        assert not _connected(client, app)


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS + ALWAYS_REFUSED + PRIVATE)
def test_loopback_private_and_metadata_remotes_are_refused_while_private_networks_are_off(
    guarded: Instance, host: str
) -> None:
    _refused_everywhere(guarded.user("admin@example.com"), host)


@pytest.mark.parametrize("host", ALWAYS_REFUSED)
def test_metadata_remotes_are_refused_even_with_private_networks_on(admin: Api, host: str) -> None:
    _refused_everywhere(admin, host)


def test_a_loopback_remote_needs_an_instance_administrator_to_open_the_workspace(
    guarded: Instance, git_server: GitHttp
) -> None:
    admin = guarded.user("admin@example.com")
    app = new_app(admin)
    url = git_server.create("x.git")
    body = {"remoteUrl": url, "auth": "token", "username": git_server.user, "token": git_server.token}
    response = admin.post(f"/api/v1/applications/{app}/git/connect", json=body)
    assert response.status_code == 422 and "loopback" in response.json()["error"]["message"]
    assert not _connected(admin, app)
    admin.ok("PUT", f"/api/v1/workspaces/{first_workspace(admin)}/private-networks", json={"allowed": True})
    admin.ok("POST", f"/api/v1/applications/{app}/git/connect", json=body)  # the same remote, now allowed
    assert _connected(admin, app)


class _Redirect(BaseHTTPRequestHandler):
    """Sends every request to the same path on `target` (another host name)."""

    target = ""
    hits: ClassVar[list[str]] = []

    def _redirect(self) -> None:
        self.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", self.target + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _redirect

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def redirecting(git_server: GitHttp) -> Iterator[tuple[str, list[str]]]:
    """A remote on 127.0.0.1 that redirects to the Git server by another name (`localhost`)."""
    handler = type("Redirect", (_Redirect,), {"target": git_server.base.replace("127.0.0.1", "localhost"), "hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.hits
    finally:
        server.shutdown()
        server.server_close()


def test_a_remote_that_redirects_to_a_denied_host_is_not_followed(
    settings_factory: Callable[..., Settings], git_server: GitHttp, redirecting: tuple[str, list[str]], tmp_path: Path
) -> None:
    """The Git server stands for a service the instance denies (LOWCRAFT_DENIED_ADDRESSES); the
    redirecting remote is allowed (private networks on). Followed, the redirect would push the app
    to the denied service with the token."""
    port = git_server.base.rsplit(":", 1)[1]
    app = create_app(settings_factory(denied_addresses=f"127.0.0.1:{port}"), migrate=False)
    with TestClient(app) as main:
        admin = Instance(app, app.state.runtime.settings, main).user("admin@example.com")
        url = git_server.create("x.git")
        body = {"auth": "token", "username": git_server.user, "token": git_server.token}
        direct = admin.post(f"/api/v1/applications/{new_app(admin)}/git/connect",
                            json={**body, "remoteUrl": url.replace("127.0.0.1", "localhost")})
        assert direct.status_code == 422 and "may not connect" in direct.json()["error"]["message"]
        base, hits = redirecting
        app_id = new_app(admin)
        redirected = admin.post(f"/api/v1/applications/{app_id}/git/connect", json={**body, "remoteUrl": f"{base}/x.git"})
        assert hits, "the remote was never asked"
        assert redirected.status_code == 422, redirected.text
        assert redirected.json()["error"]["code"] == "git_remote_unreachable"
        assert git_server.token not in redirected.text
        assert not _connected(admin, app_id)
    assert git("ls-remote", git_server.authed(url), cwd=tmp_path).strip() == ""  # nothing reached the denied host
