"""Branches: created from any branch, switched with their own edit states, deleted; protected
branches change only by merges; Publish takes the published branch; auto-commit on publish."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Instance
from tests.git.conftest import Connected
from tests.git.remotes import git
from tests.git.support import set_text, widget_text


def _branches(connected: Connected) -> dict[str, dict]:
    return {b["name"]: b for b in connected.git("branches", "GET")["branches"]}


def test_each_branch_keeps_its_own_edit_state(connected: Connected) -> None:
    connected.git("branches", expected=201, json={"name": "feature/login"})
    set_text(connected.client, connected.app, "Text1", "uncommitted on main")
    switched = connected.git("branches/switch", json={"name": "feature/login"})
    assert switched["currentBranch"] == "feature/login"
    assert widget_text(connected.client, connected.app, "Text1") == "Text1 text"  # the branch's last commit
    set_text(connected.client, connected.app, "Text2", "on the feature")
    connected.git("branches/switch", json={"name": "main"})
    assert widget_text(connected.client, connected.app, "Text1") == "uncommitted on main"  # kept, not lost
    assert widget_text(connected.client, connected.app, "Text2") == "Text2 text"
    connected.git("branches/switch", json={"name": "feature/login"})
    assert widget_text(connected.client, connected.app, "Text2") == "on the feature"
    branches = _branches(connected)
    assert branches["feature/login"]["current"] and branches["main"]["hasEditState"]
    assert branches["main"]["default"] and branches["main"]["published"]


def test_a_feature_branch_merges_into_a_protected_main(connected: Connected, tmp_path: Path) -> None:
    connected.git("settings", "PATCH", json={"protectedBranches": ["main"]})
    set_text(connected.client, connected.app, "Text1", "direct")
    response = connected.client.post(f"/api/v1/applications/{connected.app}/git/commit", json={"message": "direct"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "git_branch_protected"
    connected.git("discard")
    connected.git("branches", expected=201, json={"name": "feature", "from": "main"})
    connected.git("branches/switch", json={"name": "feature"})
    set_text(connected.client, connected.app, "Text1", "via a merge")
    connected.git("commit", json={"message": "Feature work"})
    connected.git("push")
    connected.git("branches/switch", json={"name": "main"})
    assert widget_text(connected.client, connected.app, "Text1") == "Text1 text"
    outcome = connected.git("merge", json={"source": "feature"})
    assert outcome["result"] == "fast-forward"
    assert widget_text(connected.client, connected.app, "Text1") == "via a merge"
    connected.git("push")
    clone = tmp_path / "cli"
    git("clone", "-q", connected.server.authed(connected.url), str(clone), cwd=tmp_path)
    assert '"via a merge"' in (clone / "pages/home/page.json").read_text()
    assert "feature" in git("branch", "-r", cwd=clone)


def test_branches_from_the_remote_and_deleting_them(connected: Connected, tmp_path: Path) -> None:
    clone = tmp_path / "cli"
    git("clone", "-q", connected.server.authed(connected.url), str(clone), cwd=tmp_path)
    git("checkout", "-q", "-b", "from-cli", cwd=clone)
    git("commit", "-q", "--allow-empty", "-m", "A branch made elsewhere", cwd=clone)
    git("push", "-q", "origin", "from-cli", cwd=clone)
    branches = {b["name"]: b for b in connected.git("branches?fetch=true", "GET")["branches"]}
    assert branches["from-cli"]["remote"] and not branches["from-cli"]["local"]
    connected.git("branches/switch", json={"name": "from-cli"})
    connected.git("branches/switch", json={"name": "main"})
    response = connected.client.post(f"/api/v1/applications/{connected.app}/git/branches/delete", json={"name": "main"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "git_branch_in_use"
    connected.git("branches/delete", expected=204, json={"name": "from-cli", "remote": True})
    assert "from-cli" not in _branches(connected)
    assert "from-cli" not in git("ls-remote", "--heads", "origin", cwd=clone)


def test_bad_branch_names_and_unknown_branches(connected: Connected) -> None:
    for name in ("../x", "a..b", "-x", "x.lock", "a//b", ""):
        response = connected.client.post(f"/api/v1/applications/{connected.app}/git/branches", json={"name": name})
        assert response.status_code == 422, name
    response = connected.client.post(f"/api/v1/applications/{connected.app}/git/branches/switch", json={"name": "nope"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "git_branch_not_found"


def test_protected_branches_are_chosen_by_workspace_administrators(
    instance: Instance, connected: Connected
) -> None:
    ws = connected.client.ok("GET", "/api/v1/workspaces")["workspaces"][0]["id"]
    developer = instance.user("dev@example.com")
    connected.client.ok("POST", f"/api/v1/workspaces/{ws}/invites", 201, json={"email": "dev@example.com", "role": "developer"})
    url = f"/api/v1/applications/{connected.app}/git/settings"
    response = developer.patch(url, json={"protectedBranches": []})
    assert response.status_code == 403
    assert developer.ok("PATCH", url, json={"autoCommitOnPublish": True})["autoCommitOnPublish"]


def test_publish_takes_the_published_branch_and_can_commit(connected: Connected) -> None:
    connected.git("settings", "PATCH", json={"autoCommitOnPublish": True})
    set_text(connected.client, connected.app, "Text1", "published from main")
    connected.client.ok("POST", f"/api/v1/applications/{connected.app}/publish")
    status = connected.git("status", "GET")
    assert status["clean"] and status["ahead"] == 1  # the publish was committed
    connected.git("branches", expected=201, json={"name": "experiment"})
    connected.git("branches/switch", json={"name": "experiment"})
    set_text(connected.client, connected.app, "Text1", "an experiment")
    connected.client.ok("POST", f"/api/v1/applications/{connected.app}/publish")
    viewed = connected.client.ok("GET", f"/api/v1/view/{connected.app}")["document"]
    texts = [w["text"] for w in viewed["pages"][0]["dsl"]["children"] if w["widgetName"] == "Text1"]
    assert texts == ["published from main"]  # main is the published branch, not the one edited
