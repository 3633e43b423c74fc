"""Conflicts never lose work: the same entity changed on both sides stops the pull with nothing
changed, lists mine and theirs, and completes only when every conflict is resolved - keep mine,
take theirs, or an edited value."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.git.conftest import Connected
from tests.git.remotes import git
from tests.git.support import edit_json, query_sql, set_text, widget_text


def _conflicting(connected: Connected, tmp_path: Path) -> Path:
    """Text1 and the query changed by the CLI collaborator and (differently) in Lowcraft."""
    clone = tmp_path / "cli"
    git("clone", "-q", connected.server.authed(connected.url), str(clone), cwd=tmp_path)
    edit_json(clone / "pages/home/page.json", lambda p: p["dsl"]["children"][0].update(text="Theirs"))
    (clone / "pages/home/queries/getOrders.sql").write_text("select 'theirs'\n")
    edit_json(clone / "pages/home/page.json", lambda p: p["dsl"]["children"][2].update(text="Only theirs"))
    git("commit", "-q", "-am", "Theirs", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    set_text(connected.client, connected.app, "Text1", "Mine")
    actions = connected.client.ok("GET", f"/api/v1/applications/{connected.app}/actions")["actions"]
    connected.client.ok("PATCH", f"/api/v1/actions/{actions[0]['id']}", json={"config": {"sql": "select 'mine'"}})
    connected.git("commit", json={"message": "Mine"})
    return clone


def test_a_conflicting_pull_changes_nothing_and_lists_mine_and_theirs(connected: Connected, tmp_path: Path) -> None:
    _conflicting(connected, tmp_path)
    head = connected.git("status", "GET")["headCommit"]
    outcome = connected.git("pull")
    assert outcome["result"] == "conflicts" and outcome["commit"] is None
    found = {(c["kind"], c["page"], c["name"]): c for c in outcome["conflicts"]}
    assert set(found) == {("widget", "Home", "Text1"), ("query", "Home", "getOrders")}
    assert found[("widget", "Home", "Text1")]["mine"]["text"] == "Mine"
    assert found[("widget", "Home", "Text1")]["theirs"]["text"] == "Theirs"
    assert found[("query", "Home", "getOrders")]["theirs"]["config"]["sql"] == "select 'theirs'\n"
    # Nothing changed in the app, not even the entity only they changed.
    assert widget_text(connected.client, connected.app, "Text1") == "Mine"
    assert widget_text(connected.client, connected.app, "Text3") == "Text3 text"
    status = connected.git("status", "GET")
    assert status["headCommit"] == head and status["clean"] and status["mergePending"]
    assert connected.git("merge", "GET")["source"] == "origin/main"
    # Other operations wait for the merge.
    response = connected.client.post(f"/api/v1/applications/{connected.app}/git/commit", json={"message": "x"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "git_merge_pending"


def test_the_merge_completes_only_when_every_conflict_is_resolved(connected: Connected, tmp_path: Path) -> None:
    _conflicting(connected, tmp_path)
    conflicts = connected.git("pull")["conflicts"]
    widget = next(c["id"] for c in conflicts if c["kind"] == "widget")
    query = next(c["id"] for c in conflicts if c["kind"] == "query")
    connected.git("merge/resolve", json={"conflictId": widget, "choice": "theirs"})
    response = connected.client.post(f"/api/v1/applications/{connected.app}/git/merge/complete")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "git_unresolved_conflicts"
    assert response.json()["error"]["details"]["conflicts"] == [query]
    assert widget_text(connected.client, connected.app, "Text1") == "Mine"
    connected.git("merge/resolve", json={"conflictId": query, "choice": "mine"})
    outcome = connected.git("merge/complete")
    assert outcome["result"] == "merged"
    assert widget_text(connected.client, connected.app, "Text1") == "Theirs"  # taken from them
    assert query_sql(connected.client, connected.app) == "select 'mine'\n"  # mine kept
    assert widget_text(connected.client, connected.app, "Text3") == "Only theirs"  # merged cleanly
    status = connected.git("status", "GET")
    assert status["clean"] and not status["mergePending"] and status["ahead"] == 2


@pytest.mark.parametrize("side", ["mine", "theirs"])
def test_resolved_both_ways_and_pushed_the_collaborator_sees_it(connected: Connected, tmp_path: Path, side: str) -> None:
    clone = _conflicting(connected, tmp_path)
    for conflict in connected.git("pull")["conflicts"]:
        connected.git("merge/resolve", json={"conflictId": conflict["id"], "choice": side})
    connected.git("merge/complete")
    connected.git("push")
    git("pull", "-q", cwd=clone)
    expected = {"mine": ("Mine", "select 'mine'\n"), "theirs": ("Theirs", "select 'theirs'\n")}[side]
    assert f'"{expected[0]}"' in (clone / "pages/home/page.json").read_text()
    assert (clone / "pages/home/queries/getOrders.sql").read_text() == expected[1]
    assert widget_text(connected.client, connected.app, "Text1") == expected[0]


def test_an_edited_resolution_is_what_the_merge_keeps(connected: Connected, tmp_path: Path) -> None:
    _conflicting(connected, tmp_path)
    conflicts = connected.git("pull")["conflicts"]
    widget = next(c for c in conflicts if c["kind"] == "widget")
    connected.git("merge/resolve", json={"conflictId": widget["id"], "choice": "edit",
                                         "value": {**widget["mine"], "text": "Both of us"}})
    query = next(c for c in conflicts if c["kind"] == "query")
    connected.git("merge/resolve", json={"conflictId": query["id"], "choice": "theirs"})
    connected.git("merge/complete")
    assert widget_text(connected.client, connected.app, "Text1") == "Both of us"


def test_an_invalid_edited_resolution_is_refused_and_the_merge_still_waits(connected: Connected, tmp_path: Path) -> None:
    _conflicting(connected, tmp_path)
    conflicts = connected.git("pull")["conflicts"]
    widget = next(c for c in conflicts if c["kind"] == "widget")
    connected.git("merge/resolve", json={"conflictId": widget["id"], "choice": "edit",
                                         "value": {**widget["mine"], "type": "NO_SUCH_WIDGET"}})
    query = next(c for c in conflicts if c["kind"] == "query")
    connected.git("merge/resolve", json={"conflictId": query["id"], "choice": "theirs"})
    response = connected.client.post(f"/api/v1/applications/{connected.app}/git/merge/complete")
    assert response.status_code == 409 and "not valid" in response.json()["error"]["message"]
    assert widget_text(connected.client, connected.app, "Text1") == "Mine"
    assert connected.git("status", "GET")["mergePending"]


def test_aborting_drops_the_merge_and_keeps_the_app(connected: Connected, tmp_path: Path) -> None:
    _conflicting(connected, tmp_path)
    connected.git("pull")
    connected.git("merge/abort", expected=204)
    status = connected.git("status", "GET")
    assert not status["mergePending"] and status["clean"] and status["behind"] == 1
    assert widget_text(connected.client, connected.app, "Text1") == "Mine"


def test_edits_made_while_the_merge_waits_are_never_overwritten(connected: Connected, tmp_path: Path) -> None:
    _conflicting(connected, tmp_path)
    for conflict in connected.git("pull")["conflicts"]:
        connected.git("merge/resolve", json={"conflictId": conflict["id"], "choice": "theirs"})
    set_text(connected.client, connected.app, "Text2", "Edited meanwhile")
    response = connected.client.post(f"/api/v1/applications/{connected.app}/git/merge/complete")
    assert response.status_code == 409 and response.json()["error"]["code"] == "git_uncommitted_changes"
    assert widget_text(connected.client, connected.app, "Text2") == "Edited meanwhile"
