"""SSH host keys are verified: the first connection pins the server's key and shows its SHA256
fingerprint; a server presenting another key later (a man in the middle, or a key really changed)
is refused with an error naming the host and both fingerprints, and nothing changes until a
Developer re-pins on purpose. Against Debian's sshd, started again on the same port with new keys."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lowcraft.git.models import GitConnection
from tests.conftest import Api, Instance
from tests.git.remotes import git, git_ssh
from tests.git.support import new_app, set_text, widget_text


def _deploy_key(admin: Api) -> tuple[str, str]:
    app = new_app(admin)
    return app, admin.ok("POST", f"/api/v1/applications/{app}/git/deploy-key", 201)["publicKey"]


def _audit(admin: Api, action: str) -> list[dict]:
    ws = admin.ok("GET", "/api/v1/workspaces")["workspaces"][0]["id"]
    return [e for e in admin.ok("GET", f"/api/v1/workspaces/{ws}/audit-log")["events"] if e["action"] == action]


def _other_key(tmp_path: Path, kind: str = "ed25519") -> str:
    """A host key no server here has (what an attacker's server would present)."""
    path = tmp_path / f"stranger-{kind}"
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-f", str(path)], check=True)
    return path.with_suffix(".pub").read_text().strip()


def test_the_first_connection_pins_the_servers_key_and_shows_its_fingerprint(admin: Api, tmp_path: Path) -> None:
    app, public = _deploy_key(admin)
    with git_ssh(tmp_path / "remotes", [public]) as server:
        url = server.create("orders.git")
        connected = admin.ok("POST", f"/api/v1/applications/{app}/git/connect", json={"remoteUrl": url, "auth": "ssh"})
        expected = [{"type": "ssh-ed25519", "fingerprint": server.fingerprints()["ssh-ed25519"]}]
        assert connected["hostKeys"] == expected
        assert admin.ok("GET", f"/api/v1/applications/{app}/git")["hostKeys"] == expected
        set_text(admin, app, "Text1", "pinned")
        admin.ok("POST", f"/api/v1/applications/{app}/git/commit", json={"message": "pinned"})
        admin.ok("POST", f"/api/v1/applications/{app}/git/push")
        assert admin.ok("POST", f"/api/v1/applications/{app}/git/pull")["result"] == "up-to-date"
    [event] = _audit(admin, "git.connected")
    assert event["summary"]["hostFingerprints"] == [expected[0]["fingerprint"]]
    assert event["summary"]["pinnedFrom"] == "scanned"


def test_a_changed_host_key_is_refused_and_changes_nothing_until_a_developer_re_pins(
    admin: Api, tmp_path: Path
) -> None:
    app, public = _deploy_key(admin)
    remotes = tmp_path / "remotes"
    with git_ssh(remotes, [public]) as server:
        url = server.create("orders.git")
        admin.ok("POST", f"/api/v1/applications/{app}/git/connect", json={"remoteUrl": url, "auth": "ssh"})
        first, port = server.fingerprints()["ssh-ed25519"], server.port
    # A collaborator pushes a change that a pull would bring.
    clone = tmp_path / "cli"
    git("clone", "-q", str(remotes / "orders.git"), str(clone), cwd=tmp_path)
    page = clone / "pages/home/page.json"
    page.write_text(page.read_text().replace('"Text1 text"', '"from the CLI"'))
    git("commit", "-qam", "CLI edit", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    remote_tip = git("rev-parse", "main", cwd=remotes / "orders.git").strip()

    # The same address now answers with another host key.
    with git_ssh(remotes, [public], port=port) as changed:
        second = changed.fingerprints()["ssh-ed25519"]
        assert second != first
        refused = admin.post(f"/api/v1/applications/{app}/git/pull")
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error["code"] == "git_host_key_mismatch"
        assert f"[127.0.0.1]:{port}" in error["message"]
        assert first in error["message"] and second in error["message"]
        assert widget_text(admin, app, "Text1") == "Text1 text"

        set_text(admin, app, "Text2", "mine")
        admin.ok("POST", f"/api/v1/applications/{app}/git/commit", json={"message": "mine"})
        pushed = admin.post(f"/api/v1/applications/{app}/git/push")
        assert pushed.status_code == 422 and pushed.json()["error"]["code"] == "git_host_key_mismatch"
        assert git("rev-parse", "main", cwd=remotes / "orders.git").strip() == remote_tip
        status = admin.get(f"/api/v1/applications/{app}/git/status?fetch=true")
        assert status.status_code == 422 and status.json()["error"]["code"] == "git_host_key_mismatch"

        # The Developer compared the new fingerprint with the Git host's and re-pins.
        repinned = admin.ok("POST", f"/api/v1/applications/{app}/git/host-key", json={})
        assert repinned["hostKeys"] == [{"type": "ssh-ed25519", "fingerprint": second}]
        outcome = admin.ok("POST", f"/api/v1/applications/{app}/git/pull")
        assert outcome["result"] == "merged"
        assert widget_text(admin, app, "Text1") == "from the CLI" and widget_text(admin, app, "Text2") == "mine"
        admin.ok("POST", f"/api/v1/applications/{app}/git/push")
        assert git("rev-parse", "main", cwd=remotes / "orders.git").strip() != remote_tip
    [event] = _audit(admin, "git.host_key_pinned")
    assert event["summary"] == {"host": f"[127.0.0.1]:{port}", "previous": [first], "pinned": [second],
                                "from": "scanned"}


def test_a_pasted_key_that_is_not_the_servers_is_refused(admin: Api, tmp_path: Path) -> None:
    app, public = _deploy_key(admin)
    stranger = _other_key(tmp_path)
    with git_ssh(tmp_path / "remotes", [public]) as server:
        url = server.create("orders.git")
        refused = admin.post(f"/api/v1/applications/{app}/git/connect",
                             json={"remoteUrl": url, "auth": "ssh", "hostKey": stranger})
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "git_host_key_mismatch"
        # A key of a type the server does not have at all is the same refusal, naming both keys.
        other_type = admin.post(f"/api/v1/applications/{app}/git/connect",
                                json={"remoteUrl": url, "auth": "ssh", "hostKey": _other_key(tmp_path, "ecdsa")})
        assert other_type.status_code == 422 and other_type.json()["error"]["code"] == "git_host_key_mismatch"
        assert server.fingerprints()["ssh-ed25519"] in other_type.json()["error"]["message"]
        assert "ecdsa-sha2-nistp256" in other_type.json()["error"]["message"]
        shown = admin.ok("GET", f"/api/v1/applications/{app}/git")
        assert not shown["connected"] and shown["hostKeys"] == []

        # The key as the Git host publishes it (a known_hosts line) is accepted.
        line = f"[127.0.0.1]:{server.port} {server.host_keys[0]}"
        connected = admin.ok("POST", f"/api/v1/applications/{app}/git/connect",
                             json={"remoteUrl": url, "auth": "ssh", "hostKey": line})
        pinned = connected["hostKeys"]
        assert pinned == [{"type": "ssh-ed25519", "fingerprint": server.fingerprints()["ssh-ed25519"]}]

        # Re-pinning to a wrong key is refused too, and the pin stays.
        wrong = admin.post(f"/api/v1/applications/{app}/git/host-key", json={"hostKey": stranger})
        assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "git_host_key_mismatch"
        garbage = admin.post(f"/api/v1/applications/{app}/git/host-key", json={"hostKey": "ssh-ed25519 not-base64!"})
        assert garbage.status_code == 422 and garbage.json()["error"]["details"]["field"] == "hostKey"
        assert admin.ok("GET", f"/api/v1/applications/{app}/git")["hostKeys"] == pinned
        admin.ok("POST", f"/api/v1/applications/{app}/git/push")
    assert _audit(admin, "git.host_key_pinned") == []


def test_a_key_pinned_for_one_of_several_types_is_the_one_checked(admin: Api, tmp_path: Path) -> None:
    app, public = _deploy_key(admin)
    with git_ssh(tmp_path / "remotes", [public], host_key_types=("ed25519", "ecdsa")) as server:
        url = server.create("orders.git")
        ecdsa = next(k for k in server.host_keys if k.startswith("ecdsa-"))
        connected = admin.ok("POST", f"/api/v1/applications/{app}/git/connect",
                             json={"remoteUrl": url, "auth": "ssh", "hostKey": ecdsa})
        assert [k["type"] for k in connected["hostKeys"]] == ["ecdsa-sha2-nistp256"]
        admin.ok("POST", f"/api/v1/applications/{app}/git/push")


def test_an_ssh_connection_without_a_pinned_key_is_refused_until_one_is_pinned(
    admin: Api, instance: Instance, tmp_path: Path
) -> None:
    """Connections made before host keys were verified (migration 0016 leaves them unpinned)."""
    app, public = _deploy_key(admin)
    with git_ssh(tmp_path / "remotes", [public]) as server:
        url = server.create("orders.git")
        admin.ok("POST", f"/api/v1/applications/{app}/git/connect", json={"remoteUrl": url, "auth": "ssh"})
        with instance.app.state.runtime.db.session() as db:
            db.get(GitConnection, app).ssh_host_keys = None
        assert admin.ok("GET", f"/api/v1/applications/{app}/git")["hostKeys"] == []
        refused = admin.post(f"/api/v1/applications/{app}/git/pull")
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "git_host_key_mismatch"
        assert "No SSH host key is pinned" in refused.json()["error"]["message"]
        assert server.fingerprints()["ssh-ed25519"] in refused.json()["error"]["message"]
        admin.ok("POST", f"/api/v1/applications/{app}/git/host-key", json={"hostKey": server.host_keys[0]})
        assert admin.ok("POST", f"/api/v1/applications/{app}/git/pull")["result"] == "up-to-date"
    [event] = _audit(admin, "git.host_key_pinned")
    assert event["summary"]["previous"] == [] and event["summary"]["from"] == "pasted"
