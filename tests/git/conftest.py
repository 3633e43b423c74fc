"""Fixtures of the Git tests: a Git server over smart HTTP with basic auth, and a connected app."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Api, Instance
from tests.git.remotes import GitHttp, git_http
from tests.git.support import new_app


@pytest.fixture
def git_server(tmp_path: Path) -> Iterator[GitHttp]:
    with git_http(tmp_path / "remotes") as server:
        yield server


@dataclass
class Connected:
    client: Api
    app: str
    url: str
    server: GitHttp

    def git(self, action: str, method: str = "POST", expected: int = 200, **kwargs: object) -> dict:
        path = f"/api/v1/applications/{self.app}/git" + (f"/{action}" if action else "")
        return self.client.ok(method, path, expected, **kwargs) or {}


@pytest.fixture
def connected(instance: Instance, admin: Api, git_server: GitHttp) -> Connected:
    """An app connected to an empty repository over HTTPS-style token auth (its first commit pushed)."""
    app = new_app(admin)
    url = git_server.create("orders.git")
    admin.ok("POST", f"/api/v1/applications/{app}/git/connect", json={
        "remoteUrl": url, "auth": "token", "username": git_server.user, "token": git_server.token})
    return Connected(admin, app, url, git_server)
