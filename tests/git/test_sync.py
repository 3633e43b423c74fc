"""Connect, commit, push and pull against a real Git server (smart HTTP, basic auth), with the
`git` CLI as a second collaborator: what one side changes, the other sees."""

from __future__ import annotations

import json
from pathlib import Path

from lowcraft.appmodel.file_tree import normalize_document
from tests.git.conftest import Connected
from tests.git.remotes import git
from tests.git.support import edit_json, exported, query_sql, set_text, widget_text


def cli_clone(connected: Connected, folder: Path) -> Path:
    git("clone", "-q", connected.server.authed(connected.url), str(folder), cwd=folder.parent)
    return folder


def test_connecting_pushes_the_app_as_its_file_tree(connected: Connected, tmp_path: Path) -> None:
    status = connected.git("status", "GET")
    assert status["connected"] and status["clean"] and status["currentBranch"] == "main"
    assert status["ahead"] == 0 and status["behind"] == 0
    assert connected.server.token not in json.dumps(status) and status["hasToken"]
    clone = cli_clone(connected, tmp_path / "cli")
    assert (clone / "application.json").exists()
    assert (clone / "pages/home/page.json").exists()
    assert (clone / "pages/home/queries/getOrders.sql").read_text() == "select * from orders where id > 0\n"
    log = git("log", "--format=%an <%ae>|%s", cwd=clone)
    assert log.strip() == "Ada Admin <admin@example.com>|Add Orders from Lowcraft"


def test_status_lists_changed_entities_and_commit_records_the_author(connected: Connected, tmp_path: Path) -> None:
    set_text(connected.client, connected.app, "Text2", "Changed in the editor")
    status = connected.git("status", "GET")
    assert not status["clean"]
    assert [(c["kind"], c["page"], c["name"], c["change"]) for c in status["changes"]] == [
        ("widget", "Home", "Text2", "modified")]
    made = connected.git("commit", json={"message": "Reword Text2"})
    assert made["commit"] and made["changed"] == 1
    status = connected.git("status", "GET")
    assert status["clean"] and status["ahead"] == 1
    assert connected.git("commit", json={"message": "again"})["commit"] is None  # nothing to commit
    connected.git("push")
    assert connected.git("status", "GET")["ahead"] == 0
    clone = cli_clone(connected, tmp_path / "cli")
    assert "Changed in the editor" in (clone / "pages/home/page.json").read_text()
    assert git("log", "-1", "--format=%an|%s", cwd=clone).strip() == "Ada Admin|Reword Text2"


def test_a_collaborators_query_and_widget_edits_arrive_with_a_pull(connected: Connected, tmp_path: Path) -> None:
    clone = cli_clone(connected, tmp_path / "cli")
    (clone / "pages/home/queries/getOrders.sql").write_text("select id, total from orders\n")
    edit_json(clone / "pages/home/page.json",
              lambda p: p["dsl"]["children"][0].update(text="Edited with git"))
    git("commit", "-q", "-am", "Edit a query and a widget", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    assert connected.git("status?fetch=true", "GET")["behind"] == 1
    outcome = connected.git("pull")
    assert outcome["result"] == "fast-forward"
    assert query_sql(connected.client, connected.app) == "select id, total from orders\n"
    assert widget_text(connected.client, connected.app, "Text1") == "Edited with git"
    status = connected.git("status", "GET")
    assert status["clean"] and status["behind"] == 0
    assert connected.git("pull")["result"] == "up-to-date"


def test_edits_on_both_sides_to_different_entities_merge(connected: Connected, tmp_path: Path) -> None:
    clone = cli_clone(connected, tmp_path / "cli")
    edit_json(clone / "pages/home/page.json", lambda p: p["dsl"]["children"][0].update(text="Theirs"))
    git("commit", "-q", "-am", "Theirs", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    set_text(connected.client, connected.app, "Text3", "Mine")
    connected.git("commit", json={"message": "Mine"})
    outcome = connected.git("pull")
    assert outcome["result"] == "merged" and not outcome["conflicts"]
    assert widget_text(connected.client, connected.app, "Text1") == "Theirs"
    assert widget_text(connected.client, connected.app, "Text3") == "Mine"
    connected.git("push")
    git("pull", "-q", cwd=clone)
    parents = git("log", "-1", "--format=%P", cwd=clone).split()
    assert len(parents) == 2
    assert '"Mine"' in (clone / "pages/home/page.json").read_text()


def test_pull_needs_a_clean_edit_state(connected: Connected, tmp_path: Path) -> None:
    clone = cli_clone(connected, tmp_path / "cli")
    edit_json(clone / "pages/home/page.json", lambda p: p["dsl"]["children"][1].update(text="Theirs"))
    git("commit", "-q", "-am", "Theirs", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    set_text(connected.client, connected.app, "Text1", "uncommitted")
    response = connected.client.post(f"/api/v1/applications/{connected.app}/git/pull")
    assert response.status_code == 409 and response.json()["error"]["code"] == "git_uncommitted_changes"
    assert widget_text(connected.client, connected.app, "Text1") == "uncommitted"  # nothing changed
    connected.git("discard")
    assert widget_text(connected.client, connected.app, "Text1") == "Text1 text"
    assert connected.git("status", "GET")["clean"]
    assert connected.git("pull")["result"] == "fast-forward"
    assert widget_text(connected.client, connected.app, "Text2") == "Theirs"


def test_push_behind_the_remote_is_refused_until_pulled(connected: Connected, tmp_path: Path) -> None:
    clone = cli_clone(connected, tmp_path / "cli")
    (clone / "README.md").write_text("Orders app\n")
    git("add", "README.md", cwd=clone)
    git("commit", "-q", "-m", "Readme", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    set_text(connected.client, connected.app, "Text1", "mine")
    connected.git("commit", json={"message": "mine"})
    response = connected.client.post(f"/api/v1/applications/{connected.app}/git/push")
    assert response.status_code == 409 and response.json(), response.text
    assert response.json()["error"]["code"] == "git_push_rejected"
    assert connected.git("pull")["result"] == "merged"
    connected.git("push")
    git("pull", "-q", cwd=clone)
    assert (clone / "README.md").exists() and '"mine"' in (clone / "pages/home/page.json").read_text()


def test_the_app_is_the_same_after_a_round_trip_through_git(connected: Connected) -> None:
    before = exported(connected.client, connected.app)
    set_text(connected.client, connected.app, "Text1", "x")
    connected.git("discard")
    after = exported(connected.client, connected.app)
    # The same application: texts kept in their own files gain their final newline.
    assert normalize_document(after) == normalize_document(before)
    assert after["pages"][0]["actions"][0]["config"]["sql"] == "select * from orders where id > 0\n"


def test_disconnecting_keeps_the_app_and_forgets_the_repository(connected: Connected, instance: object) -> None:
    set_text(connected.client, connected.app, "Text1", "kept")
    connected.git("commit", json={"message": "unpushed"})
    connected.git("", "DELETE", expected=204)
    shown = connected.git("", "GET")
    assert not shown["connected"] and not shown["hasToken"]
    assert widget_text(connected.client, connected.app, "Text1") == "kept"
    response = connected.client.post(f"/api/v1/applications/{connected.app}/git/pull")
    assert response.status_code == 404 and response.json()["error"]["code"] == "git_not_connected"
    clones = instance.settings.data_dir / "git" / "clones"  # type: ignore[attr-defined]
    assert not (clones / f"{connected.app}.git").exists()
