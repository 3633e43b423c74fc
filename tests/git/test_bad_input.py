"""Bad input gets a clear error and changes nothing: a wrong token, an unreachable remote, a
repository that is not a Lowcraft app, a tree with an invalid page. Also: several apps in one
repository, and stale lock files cleared. Remotes that are files, commands, or addresses the
network guard refuses are an attack class: tests/security/test_git_remotes.py."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from tests.conftest import Api, Instance
from tests.git.conftest import Connected
from tests.git.remotes import GitHttp, git
from tests.git.support import document, exported, new_app, set_text, widget_text
from tests.servers import free_port


def _connect(client: Api, app: str, **body: object) -> object:
    return client.post(f"/api/v1/applications/{app}/git/connect", json=body)


def _not_connected(client: Api, app: str) -> None:
    assert client.ok("GET", f"/api/v1/applications/{app}/git")["connected"] is False


def test_a_wrong_token_is_refused_and_nothing_changes(admin: Api, git_server: GitHttp, tmp_path: Path) -> None:
    app = new_app(admin)
    before = exported(admin, app)
    url = git_server.create("orders.git")
    response = _connect(admin, app, remoteUrl=url, auth="token", username=git_server.user, token="wrong")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "git_auth_failed" and "token" in error["message"]
    assert "wrong" not in response.text
    _not_connected(admin, app)
    assert exported(admin, app)["pages"] == before["pages"]
    assert git("ls-remote", git_server.authed(url), cwd=tmp_path).strip() == ""  # nothing pushed


def test_an_unreachable_remote_is_refused(admin: Api, tmp_path: Path) -> None:
    app = new_app(admin)
    response = _connect(admin, app, remoteUrl=f"http://127.0.0.1:{free_port()}/x.git", auth="token", token="t")
    assert response.status_code == 422 and response.json()["error"]["code"] == "git_remote_unreachable"
    response = _connect(admin, app, remoteUrl="https://no-such-host.invalid/x.git", auth="token", token="t")
    assert response.status_code == 422 and response.json()["error"]["code"] == "git_remote_unreachable"
    _not_connected(admin, app)


def test_a_repository_that_is_not_a_lowcraft_app_is_refused(admin: Api, git_server: GitHttp, tmp_path: Path) -> None:
    url = git_server.create("service.git")
    work = tmp_path / "service"
    git("clone", "-q", git_server.authed(url), str(work), cwd=tmp_path)
    (work / "src").mkdir()
    (work / "src/main.py").write_text("print('hello')\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "code", cwd=work)
    git("push", "-q", "origin", "HEAD:main", cwd=work)
    app = new_app(admin)
    before = exported(admin, app)
    response = _connect(admin, app, remoteUrl=url, auth="token", username=git_server.user, token=git_server.token,
                        useRepository=True)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "git_not_a_lowcraft_app" and "application.json" in error["message"]
    _not_connected(admin, app)
    assert exported(admin, app)["pages"] == before["pages"]
    # In a folder of its own, the app can live beside that code.
    response = _connect(admin, app, remoteUrl=url, auth="token", username=git_server.user, token=git_server.token,
                        folder="apps/orders")
    assert response.status_code == 200, response.text
    git("pull", "-q", cwd=work)
    assert (work / "src/main.py").exists() and (work / "apps/orders/application.json").exists()


def test_a_pulled_tree_with_an_invalid_page_is_refused_and_nothing_changes(
    connected: Connected, tmp_path: Path
) -> None:
    clone = tmp_path / "cli"
    git("clone", "-q", connected.server.authed(connected.url), str(clone), cwd=tmp_path)
    page = clone / "pages/home/page.json"
    page.write_text(page.read_text().replace('"TEXT_WIDGET"', '"NO_SUCH_WIDGET"', 1))
    git("commit", "-q", "-am", "Break a page", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    head = connected.git("status", "GET")["headCommit"]
    response = connected.client.post(f"/api/v1/applications/{connected.app}/git/pull")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "git_not_a_lowcraft_app" and "pages/home/page.json" in error["message"]
    status = connected.git("status", "GET")
    assert status["headCommit"] == head and status["clean"]
    assert widget_text(connected.client, connected.app, "Text1") == "Text1 text"


def test_an_app_already_in_the_folder_loads_only_when_asked(admin: Api, connected: Connected) -> None:
    other = new_app(admin, document(name="Copy", widgets=1))
    body = {"remoteUrl": connected.url, "auth": "token", "username": connected.server.user,
            "token": connected.server.token}
    response = _connect(admin, other, **body)
    assert response.status_code == 400 and response.json()["error"]["code"] == "git_folder_taken"
    _not_connected(admin, other)
    admin.ok("POST", f"/api/v1/applications/{other}/git/connect", json={**body, "useRepository": True})
    assert widget_text(admin, other, "Text3") == "Text3 text"  # the repository's app, three widgets


def test_several_apps_share_one_repository_each_in_its_folder(admin: Api, git_server: GitHttp, tmp_path: Path) -> None:
    url = git_server.create("apps.git")
    apps = {}
    for name in ("orders", "billing"):
        apps[name] = new_app(admin, document(name=name.title()))
        admin.ok("POST", f"/api/v1/applications/{apps[name]}/git/connect", json={
            "remoteUrl": url, "auth": "token", "username": git_server.user, "token": git_server.token,
            "folder": f"apps/{name}"})
        if name == "billing":
            break
    # The second app connected on top of the first one's commit: pull the first up to it.
    assert admin.ok("POST", f"/api/v1/applications/{apps['orders']}/git/pull")["result"] == "fast-forward"
    set_text(admin, apps["orders"], "Text1", "orders change")
    admin.ok("POST", f"/api/v1/applications/{apps['orders']}/git/commit", json={"message": "orders"})
    admin.ok("POST", f"/api/v1/applications/{apps['orders']}/git/push")
    set_text(admin, apps["billing"], "Text1", "billing change")
    admin.ok("POST", f"/api/v1/applications/{apps['billing']}/git/commit", json={"message": "billing"})
    assert admin.ok("POST", f"/api/v1/applications/{apps['billing']}/git/pull")["result"] == "merged"
    admin.ok("POST", f"/api/v1/applications/{apps['billing']}/git/push")
    assert widget_text(admin, apps["billing"], "Text1") == "billing change"
    clone = tmp_path / "cli"
    git("clone", "-q", git_server.authed(url), str(clone), cwd=tmp_path)
    assert '"orders change"' in (clone / "apps/orders/pages/home/page.json").read_text()
    assert '"billing change"' in (clone / "apps/billing/pages/home/page.json").read_text()


def test_stale_lock_files_are_cleared_with_a_log_line(
    connected: Connected, instance: Instance, caplog: pytest.LogCaptureFixture
) -> None:
    clone = instance.settings.data_dir / "git" / "clones" / f"{connected.app}.git"
    lock = clone / "refs" / "heads" / "main.lock"
    lock.write_text("left by a killed process\n")
    old = time.time() - instance.settings.git_operation_timeout_seconds - 10
    os.utime(lock, (old, old))
    set_text(connected.client, connected.app, "Text1", "after the crash")
    with caplog.at_level(logging.WARNING, logger="lowcraft.git"):
        assert connected.git("commit", json={"message": "works again"})["commit"]
    assert not lock.exists()
    assert any("stale lock file" in r.getMessage() and "main.lock" in r.getMessage() for r in caplog.records)


def test_a_lost_clone_is_rebuilt_from_the_remote(connected: Connected, instance: Instance) -> None:
    import shutil

    connected.git("push")
    shutil.rmtree(instance.settings.data_dir / "git" / "clones" / f"{connected.app}.git")
    status = connected.git("status", "GET")
    assert status["clean"] and status["ahead"] == 0
    set_text(connected.client, connected.app, "Text1", "after the rebuild")
    connected.git("commit", json={"message": "on a rebuilt clone"})
    connected.git("push")
