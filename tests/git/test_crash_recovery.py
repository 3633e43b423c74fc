"""A Lowcraft process killed (SIGKILL) after a Git operation moved its branch and before the store
switched is recovered on the next start: the repository and the store agree, nothing is lost.

The kill comes from the server itself at exactly that point (`LOWCRAFT_TEST_GIT_KILL_AT`, read
only there): no outside signal can land between two statements reliably.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from lowcraft.devserver import running_server
from lowcraft.git.service import TEST_KILL_VARIABLE
from tests.git.remotes import GitHttp, git
from tests.git.support import document, edit_json

SERVER = {"LOWCRAFT_ARGON2_MEMORY_KIB": "1024", "LOWCRAFT_ARGON2_TIME_COST": "1",
          "LOWCRAFT_ALLOW_PRIVATE_NETWORKS": "true"}


@contextmanager
def lowcraft(data: Path, *, kill_at: str | None = None, extra: dict[str, str] | None = None) -> Iterator[httpx.Client]:
    env = {**SERVER, "LOWCRAFT_DATA_DIR": str(data), **(extra or {})}
    if kill_at:
        env[TEST_KILL_VARIABLE] = kill_at
    with running_server(env) as server:
        with httpx.Client(base_url=server.url, headers={"X-Requested-By": "lowcraft"}, timeout=30) as client:
            client.server = server  # type: ignore[attr-defined]
            yield client


def login(client: httpx.Client) -> None:
    body = {"email": "admin@example.com", "password": "correct-horse-battery"}
    response = client.post("/api/v1/auth/login", json=body)
    if response.status_code != 200:
        assert client.post("/api/v1/auth/signup", json={**body, "name": "Ada"}).status_code == 201


def ok(client: httpx.Client, method: str, url: str, **kwargs: Any) -> Any:
    response = client.request(method, url, **kwargs)
    assert response.status_code < 300, f"{method} {url}: {response.status_code} {response.text}"
    return response.json() if response.content else None


def text_of(client: httpx.Client, app: str, widget: str) -> str:
    page = ok(client, "GET", f"/api/v1/applications/{app}")["pages"][0]
    dsl = ok(client, "GET", f"/api/v1/pages/{page['id']}")["dsl"]
    return str(next(c["text"] for c in dsl["children"] if c["widgetName"] == widget))


def set_text(client: httpx.Client, app: str, widget: str, text: str) -> None:
    page = ok(client, "GET", f"/api/v1/applications/{app}")["pages"][0]
    current = ok(client, "GET", f"/api/v1/pages/{page['id']}")
    for child in current["dsl"]["children"]:
        if child["widgetName"] == widget:
            child["text"] = text
    ok(client, "PUT", f"/api/v1/pages/{page['id']}/dsl", json={"dsl": current["dsl"], "revision": current["revision"]})


@pytest.fixture
def setup(tmp_path: Path, git_server: GitHttp) -> tuple[Path, str, str]:
    data = tmp_path / "data"
    url = git_server.create("orders.git")
    with lowcraft(data) as client:
        login(client)
        ws = ok(client, "GET", "/api/v1/workspaces")["workspaces"][0]["id"]
        app = ok(client, "POST", f"/api/v1/workspaces/{ws}/applications/import", json={"document": document()})["id"]
        ok(client, "POST", f"/api/v1/applications/{app}/git/connect", json={
            "remoteUrl": url, "auth": "token", "username": git_server.user, "token": git_server.token})
    return data, app, url


def _killed(client: httpx.Client, method: str, url: str, **kwargs: Any) -> None:
    with pytest.raises(httpx.TransportError):
        client.request(method, url, **kwargs)
    process = client.server.process  # type: ignore[attr-defined]
    assert process.wait(timeout=10) == -9


def test_a_commit_killed_before_the_store_switched_is_finished_on_start(
    setup: tuple[Path, str, str], git_server: GitHttp, tmp_path: Path
) -> None:
    data, app, url = setup
    with lowcraft(data, kill_at="after-ref") as client:
        login(client)
        set_text(client, app, "Text1", "committed, then killed")
        _killed(client, "POST", f"/api/v1/applications/{app}/git/commit", json={"message": "Before the crash"})
    with lowcraft(data) as client:
        login(client)
        status = ok(client, "GET", f"/api/v1/applications/{app}/git/status")
        assert status["clean"] and status["ahead"] == 1  # the store agrees with the moved branch
        assert text_of(client, app, "Text1") == "committed, then killed"
        assert "git: finished the commit" in client.server.log()  # type: ignore[attr-defined]
        ok(client, "POST", f"/api/v1/applications/{app}/git/push")
    clone = tmp_path / "cli"
    git("clone", "-q", git_server.authed(url), str(clone), cwd=tmp_path)
    assert git("log", "-1", "--format=%s", cwd=clone).strip() == "Before the crash"
    assert '"committed, then killed"' in (clone / "pages/home/page.json").read_text()


def test_a_pull_killed_before_the_store_switched_is_finished_on_start(
    setup: tuple[Path, str, str], git_server: GitHttp, tmp_path: Path
) -> None:
    data, app, url = setup
    clone = tmp_path / "cli"
    git("clone", "-q", git_server.authed(url), str(clone), cwd=tmp_path)
    edit_json(clone / "pages/home/page.json", lambda p: p["dsl"]["children"][0].update(text="Pulled before the crash"))
    (clone / "pages/home/queries/getOrders.sql").write_text("select 2\n")
    git("commit", "-q", "-am", "Theirs", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    with lowcraft(data, kill_at="after-ref") as client:
        login(client)
        _killed(client, "POST", f"/api/v1/applications/{app}/git/pull")
    with lowcraft(data) as client:
        login(client)
        assert text_of(client, app, "Text1") == "Pulled before the crash"
        actions = ok(client, "GET", f"/api/v1/applications/{app}/actions")["actions"]
        assert actions[0]["config"]["sql"] == "select 2\n"
        status = ok(client, "GET", f"/api/v1/applications/{app}/git/status?fetch=true")
        assert status["clean"] and status["behind"] == 0 and status["ahead"] == 0
        events = ok(client, "GET", f"/api/v1/workspaces/{ok(client, 'GET', '/api/v1/workspaces')['workspaces'][0]['id']}/audit-log")["events"]
        assert any(e["action"] == "git.pull" and e["summary"].get("recovered") for e in events)
