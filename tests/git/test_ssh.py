"""The SSH path: a per-application ed25519 deploy key, made by Lowcraft and shown as a public key,
against Debian's sshd on a loopback port (its own generated host key)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Api, Instance
from tests.git.remotes import git, git_ssh
from tests.git.support import new_app, set_text


def test_a_deploy_key_connects_commits_and_pushes_over_ssh(admin: Api, instance: Instance, tmp_path: Path) -> None:
    app = new_app(admin)
    public = admin.ok("POST", f"/api/v1/applications/{app}/git/deploy-key", 201)["publicKey"]
    assert public.startswith("ssh-ed25519 ") and "PRIVATE" not in public
    shown = admin.ok("GET", f"/api/v1/applications/{app}/git")
    assert shown["publicKey"] == public and not shown["connected"]
    with git_ssh(tmp_path / "ssh-remotes", [public]) as server:
        url = server.create("orders.git")
        connected = admin.ok("POST", f"/api/v1/applications/{app}/git/connect", json={"remoteUrl": url, "auth": "ssh"})
        assert connected["authKind"] == "ssh" and connected["connected"]
        set_text(admin, app, "Text1", "over ssh")
        admin.ok("POST", f"/api/v1/applications/{app}/git/commit", json={"message": "ssh commit"})
        admin.ok("POST", f"/api/v1/applications/{app}/git/push")
        clone = tmp_path / "cli"
        git("clone", "-q", str(server.root / "orders.git"), str(clone), cwd=tmp_path)
        assert '"over ssh"' in (clone / "pages/home/page.json").read_text()
    events = admin.ok("GET", f"/api/v1/workspaces/{_ws(admin)}/audit-log")["events"]
    assert {"git.deploy_key_created", "git.connected", "git.commit", "git.pushed"} <= {e["action"] for e in events}
    assert "PRIVATE KEY" not in str(events)


def test_a_key_the_remote_does_not_know_is_refused(admin: Api, tmp_path: Path) -> None:
    app = new_app(admin)
    admin.ok("POST", f"/api/v1/applications/{app}/git/deploy-key", 201)
    other = new_app(admin)
    stranger = admin.ok("POST", f"/api/v1/applications/{other}/git/deploy-key", 201)["publicKey"]
    with git_ssh(tmp_path / "ssh-remotes", [stranger]) as server:
        url = server.create("orders.git")
        response = admin.post(f"/api/v1/applications/{app}/git/connect", json={"remoteUrl": url, "auth": "ssh"})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "git_auth_failed"
        assert "deploy key" in response.json()["error"]["message"]
    assert not admin.ok("GET", f"/api/v1/applications/{app}/git")["connected"]


def _ws(client: Api) -> str:
    return str(client.ok("GET", "/api/v1/workspaces")["workspaces"][0]["id"])
