"""The editor's Git panel in Chromium, against a real Git server (`git http-backend` behind basic
auth) and the real `git` CLI as a second collaborator: connect with a token, commit and push an
edit, create a branch and switch to it and back, then a conflict on two widgets, resolved in the
side-by-side view (take theirs for one, an edited value for the other), and the merged app shown.
Screenshots go to test-artifacts/<test name>/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_editor import select_widget, wait_saved
from tests.e2e.viewer_helpers import PASSWORD, api_call
from tests.git.remotes import git, git_http

pytestmark = pytest.mark.e2e

TIMEOUT = 20_000


def document() -> dict[str, Any]:
    def text(name: str, row: int) -> dict[str, Any]:
        return {"widgetId": name.lower(), "widgetName": name, "type": "TEXT_WIDGET", "leftColumn": 0, "rightColumn": 20,
                "topRow": row, "bottomRow": row + 4, "text": f"{name} at first"}

    return {
        "format": "lowcraft-app", "formatVersion": 1, "application": {"name": "Orders"},
        "pages": [{"name": "Home", "dsl": {
            "widgetId": "0", "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "leftColumn": 0, "rightColumn": 64,
            "topRow": 0, "bottomRow": 40, "children": [text("Text1", 0), text("Text2", 6)]}}],
    }


def widget_texts(page: Any, app_id: str) -> dict[str, str]:
    pages = api_call(page.request, "GET", f"/applications/{app_id}")["pages"]
    dsl = api_call(page.request, "GET", f"/pages/{pages[0]['id']}")["dsl"]
    return {c["widgetName"]: c["text"] for c in dsl["children"]}


def set_widget_text(page: Any, name: str, text: str) -> None:
    """Type `text` over the widget's text (selected, then replaced: never an empty value between)."""
    select_widget(page, name)
    page.locator('.lc-ed-pane [data-property="text"] .cm-content').click()
    page.keyboard.press("Control+a")
    page.keyboard.type(text, delay=5)
    page.keyboard.press("Escape")
    page.locator(f'[data-widget="{name}"]').get_by_text(text, exact=True).wait_for()
    wait_saved(page)


def open_git(page: Any) -> None:
    page.locator("[data-git-badge]").click()
    page.get_by_label("Git", exact=True).wait_for()
    page.locator('.lc-git [aria-busy="true"]').wait_for(state="detached")


def badge(page: Any) -> Any:
    return page.locator("[data-git-badge]")


def test_connect_commit_branch_and_resolve_a_conflict_in_the_git_panel(page: Any, tmp_path: Path, screenshots: Any) -> None:
    from playwright.sync_api import expect

    with git_http(tmp_path / "remotes") as server:
        url = server.create("orders.git")
        api_call(page.request, "POST", "/auth/signup", {"email": "dev@example.com", "password": PASSWORD, "name": "Dev"}, expect=201)
        workspace = api_call(page.request, "GET", "/workspaces")["workspaces"][0]
        made = api_call(page.request, "POST", f"/workspaces/{workspace['id']}/applications/import", {"document": document()}, expect=201)
        app_id = made["id"] if "id" in made else made["application"]["id"]
        page.set_default_timeout(TIMEOUT)
        page.goto(f"/app/{app_id}/edit/home")
        page.locator('[data-widget="Text1"]').wait_for()
        expect(badge(page)).to_have_text("Git")

        # Connect over HTTP with a token: a wrong token is refused and nothing is connected.
        open_git(page)
        form = page.get_by_role("form", name="Connect to Git")
        form.get_by_label("Repository URL").fill(url)
        form.get_by_label("User name (optional)").fill(server.user)
        form.get_by_label("Token", exact=True).fill("wrong-token")
        form.get_by_role("button", name="Connect").click()
        expect(page.locator(".lc-git-error")).to_be_visible()
        assert api_call(page.request, "GET", f"/applications/{app_id}/git")["connected"] is False
        form.get_by_label("Token", exact=True).fill(server.token)
        form.get_by_role("button", name="Connect").click()
        expect(page.locator("[data-git-branch]")).to_have_text("main")
        expect(page.get_by_role("heading", name="No uncommitted changes")).to_be_visible()
        assert server.token not in page.content()
        screenshots.take(page, "connected")

        # An edit shows in the status; commit it with a message and push.
        page.get_by_role("button", name="← Canvas").click()
        set_widget_text(page, "Text1", "Edited in Lowcraft")
        expect(badge(page)).to_have_text(re.compile(r"⎇ main · 1 change"))
        open_git(page)
        changes = page.get_by_role("region", name="Changes")
        expect(changes.locator(".lc-git-change")).to_have_text(["Widget Text1 modified"])
        page.get_by_label("Commit message").fill("Reword Text1")
        page.get_by_role("button", name="Commit", exact=True).click()
        expect(page.get_by_role("heading", name=re.compile("^No uncommitted changes · 1 to push"))).to_be_visible()
        page.get_by_role("button", name="Push", exact=True).click()
        expect(page.get_by_role("heading", name="No uncommitted changes", exact=True)).to_be_visible()
        clone = tmp_path / "cli"
        git("clone", "-q", server.authed(url), str(clone), cwd=tmp_path)
        assert git("log", "-1", "--format=%s|%an", cwd=clone).strip() == "Reword Text1|Dev"
        home = clone / "pages" / "home" / "page.json"
        assert [c["text"] for c in json.loads(home.read_text())["dsl"]["children"]] == ["Edited in Lowcraft", "Text2 at first"]

        # A branch: create it from main, switch to it (the editor reloads on it), and back.
        branches = page.get_by_role("region", name="Branches")
        branches.get_by_label("New branch name").fill("feature/copy")
        branches.get_by_role("button", name="Create from main").click()
        expect(branches.get_by_label("Branch", exact=True).locator("option")).to_contain_text(["main (current)", "feature/copy"])
        branches.get_by_label("Branch", exact=True).select_option("feature/copy")
        branches.get_by_role("button", name="Switch").click()
        expect(badge(page)).to_have_text(re.compile(r"^⎇ feature/copy"))
        page.locator('[data-widget="Text1"]', has_text="Edited in Lowcraft").wait_for()
        assert api_call(page.request, "GET", f"/applications/{app_id}/git")["currentBranch"] == "feature/copy"
        open_git(page)
        branches = page.get_by_role("region", name="Branches")
        branches.get_by_label("Branch", exact=True).select_option("main")
        branches.get_by_role("button", name="Switch").click()
        expect(badge(page)).to_have_text(re.compile(r"^⎇ main"))

        # The collaborator changes both texts on main with the git CLI and pushes...
        value = json.loads(home.read_text())
        for child in value["dsl"]["children"]:
            child["text"] = {"Text1": "Theirs one", "Text2": "Theirs two"}[child["widgetName"]]
        home.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n")
        git("commit", "-q", "-am", "Collaborator rewords both texts", cwd=clone)
        git("push", "-q", "origin", "main", cwd=clone)
        # ... while the developer changes them too and commits.
        page.locator('[data-widget="Text1"]').wait_for()
        set_widget_text(page, "Text1", "Mine one")
        set_widget_text(page, "Text2", "Mine two")
        open_git(page)
        page.get_by_label("Commit message").fill("Developer rewords both texts")
        page.get_by_role("button", name="Commit", exact=True).click()
        expect(page.get_by_role("heading", name=re.compile("^No uncommitted changes"))).to_be_visible()

        # The pull conflicts: nothing in the app changes; both widgets are shown side by side.
        page.get_by_role("button", name="Pull", exact=True).click()
        merge = page.get_by_label("Conflicts")
        expect(merge.get_by_role("status")).to_have_text("0 of 2 conflicts resolved")
        expect(badge(page)).to_have_text(re.compile(r"merge$"))
        assert widget_texts(page, app_id) == {"Text1": "Mine one", "Text2": "Mine two"}
        first = merge.get_by_role("region", name="Conflict: Widget Text1 on page Home")
        second = merge.get_by_role("region", name="Conflict: Widget Text2 on page Home")
        expect(first.locator(".lc-git-side").nth(0).locator(".lc-git-differs")).to_contain_text(['"text": "Mine one"'])
        expect(first.locator(".lc-git-side").nth(1).locator(".lc-git-differs")).to_contain_text(['"text": "Theirs one"'])
        complete = merge.get_by_role("button", name="Complete the merge")
        expect(complete).to_be_disabled()
        screenshots.take(page, "conflicts")

        # Take theirs for Text1; edit Text2 into a value of both.
        first.get_by_role("button", name="Take theirs").click()
        expect(first.locator(".lc-git-resolution")).to_have_text("Taking theirs")
        second.get_by_role("button", name="Edit").click()
        editor = second.get_by_label("The merged value (JSON; empty deletes it)")
        edited = json.loads(editor.input_value())
        assert edited["text"] == "Mine two"
        editor.fill("{ not json")
        second.get_by_role("button", name="Use this value").click()
        expect(second.get_by_role("alert")).to_contain_text("Not valid JSON")
        editor.fill(json.dumps({**edited, "text": "Both two"}, indent=2))
        second.get_by_role("button", name="Use this value").click()
        expect(second.locator(".lc-git-resolution")).to_have_text("Edited")
        expect(merge.get_by_role("status")).to_have_text("2 of 2 conflicts resolved")
        complete.click()

        # The editor reloads with the merge: theirs for Text1, the edited value for Text2.
        page.locator('[data-widget="Text1"]', has_text="Theirs one").wait_for()
        page.locator('[data-widget="Text2"]', has_text="Both two").wait_for()
        assert widget_texts(page, app_id) == {"Text1": "Theirs one", "Text2": "Both two"}
        expect(badge(page)).to_have_text(re.compile(r"^⎇ main · ↑2$"))
        screenshots.take(page, "merged")
        open_git(page)
        page.get_by_role("button", name="Push", exact=True).click()
        expect(page.get_by_role("heading", name="No uncommitted changes", exact=True)).to_be_visible()
        git("pull", "-q", "--ff-only", cwd=clone)
        texts = {c["widgetName"]: c["text"] for c in json.loads(home.read_text())["dsl"]["children"]}
        assert texts == {"Text1": "Theirs one", "Text2": "Both two"}
        assert len(git("log", "-1", "--format=%P", cwd=clone).split()) == 2  # a merge commit


def test_a_deploy_key_made_in_the_panel_connects_over_ssh(page: Any, tmp_path: Path, screenshots: Any) -> None:
    from playwright.sync_api import expect

    from tests.git.remotes import git_ssh

    api_call(page.request, "POST", "/auth/signup", {"email": "dev@example.com", "password": PASSWORD, "name": "Dev"}, expect=201)
    workspace = api_call(page.request, "GET", "/workspaces")["workspaces"][0]
    made = api_call(page.request, "POST", f"/workspaces/{workspace['id']}/applications/import", {"document": document()}, expect=201)
    app_id = made["id"] if "id" in made else made["application"]["id"]
    page.set_default_timeout(TIMEOUT)
    page.goto(f"/app/{app_id}/edit/home")
    page.locator('[data-widget="Text1"]').wait_for()
    open_git(page)
    form = page.get_by_role("form", name="Connect to Git")
    form.get_by_label("SSH with a deploy key").check()
    form.get_by_role("button", name="Generate deploy key").click()
    shown = form.get_by_role("textbox", name="Deploy key")
    expect(shown).to_have_value(re.compile(r"^ssh-ed25519 "))
    public_key = shown.input_value()
    assert "PRIVATE" not in page.content()
    with git_ssh(tmp_path / "ssh-remotes", [public_key]) as server:
        url = server.create("orders.git")
        form.get_by_label("Repository URL").fill(url)
        form.get_by_role("button", name="Connect").click()
        expect(page.locator("[data-git-branch]")).to_have_text("main")
        expect(badge(page)).to_have_text("⎇ main")
        page.locator(".lc-git summary", has_text="Settings").click()
        fingerprint = server.fingerprints()["ssh-ed25519"]  # as `ssh-keygen -l` shows the server's key
        expect(page.locator("[data-host-key-fingerprint]")).to_have_text(f"ssh-ed25519 {fingerprint}")
        screenshots.take(page, "ssh-host-key")
        page.get_by_role("button", name="← Canvas").click()
        set_widget_text(page, "Text1", "Over SSH")
        open_git(page)
        page.get_by_label("Commit message").fill("Over SSH")
        page.get_by_role("button", name="Commit", exact=True).click()
        page.get_by_role("button", name="Push", exact=True).click()
        expect(page.get_by_role("heading", name="No uncommitted changes", exact=True)).to_be_visible()
        clone = tmp_path / "cli"
        git("clone", "-q", str(server.root / "orders.git"), str(clone), cwd=tmp_path)
        assert git("log", "-1", "--format=%s", cwd=clone).strip() == "Over SSH"
        assert json.loads((clone / "pages/home/page.json").read_text())["dsl"]["children"][0]["text"] == "Over SSH"


def test_a_changed_ssh_host_key_is_refused_in_the_panel_until_re_pinned(page: Any, tmp_path: Path, screenshots: Any) -> None:
    from playwright.sync_api import expect

    from tests.git.remotes import git_ssh

    api_call(page.request, "POST", "/auth/signup", {"email": "dev@example.com", "password": PASSWORD, "name": "Dev"}, expect=201)
    workspace = api_call(page.request, "GET", "/workspaces")["workspaces"][0]
    made = api_call(page.request, "POST", f"/workspaces/{workspace['id']}/applications/import", {"document": document()}, expect=201)
    app_id = made["id"] if "id" in made else made["application"]["id"]
    public_key = api_call(page.request, "POST", f"/applications/{app_id}/git/deploy-key", expect=201)["publicKey"]
    remotes = tmp_path / "ssh-remotes"
    with git_ssh(remotes, [public_key]) as server:
        url = server.create("orders.git")
        api_call(page.request, "POST", f"/applications/{app_id}/git/connect", {"remoteUrl": url, "auth": "ssh"})
        port, first = server.port, server.fingerprints()["ssh-ed25519"]
    with git_ssh(remotes, [public_key], port=port) as changed:
        second = changed.fingerprints()["ssh-ed25519"]
        page.set_default_timeout(TIMEOUT)
        page.goto(f"/app/{app_id}/edit/home")
        page.locator('[data-widget="Text1"]').wait_for()
        open_git(page)
        page.get_by_role("button", name="Pull", exact=True).click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text(f"The SSH host key of [127.0.0.1]:{port} has changed")
        expect(alert).to_contain_text(first)
        expect(alert).to_contain_text(second)
        screenshots.take(page, "host-key-changed")

        page.locator(".lc-git summary", has_text="Settings").click()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Re-pin host key").click()
        expect(page.locator("[data-host-key-fingerprint]")).to_have_text(f"ssh-ed25519 {second}")
        page.get_by_role("button", name="Pull", exact=True).click()
        expect(page.get_by_role("status").filter(has_text="up to date")).to_be_visible()
    events = api_call(page.request, "GET", f"/workspaces/{workspace['id']}/audit-log")["events"]
    assert any(e["action"] == "git.host_key_pinned" and e["summary"]["pinned"] == [second] for e in events)
