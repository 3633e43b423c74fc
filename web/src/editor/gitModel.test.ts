import { describe, expect, test } from "vitest";

import type { GitBranch, GitChange, GitConflict, GitMergeOutcome, GitStatus } from "./gitApi";
import {
  badgeOf,
  branchChoices,
  branchNameProblem,
  changesEditState,
  connectBody,
  connectProblem,
  deleteProblem,
  EMPTY_CONNECT_FORM,
  editStart,
  entityLabel,
  groupChanges,
  hostKeyLines,
  mergeProgress,
  outcomeMessage,
  parseEdit,
  resolutionLabel,
  resolutionOf,
  sideBySide,
} from "./gitModel";

const connection = {
  connected: true, remoteUrl: "https://git.example.com/team/apps.git", authKind: "token", username: "x-access-token", hasToken: true,
  publicKey: null, hostKeys: [], folder: "", defaultBranch: "main", currentBranch: "main", publishedBranch: "main", protectedBranches: [],
  autoCommitOnPublish: false, headCommit: "0123456789abcdef", mergePending: false,
};

function status(changes: GitChange[], ahead = 0, behind = 0): GitStatus {
  return { ...connection, clean: changes.length === 0, changes, ahead, behind };
}

const change = (kind: GitChange["kind"], page: string, name: string, what: GitChange["change"] = "modified"): GitChange => ({ id: `${kind}:${page}/${name}`, kind, page, name, change: what });

const branch = (name: string, extra: Partial<GitBranch> = {}): GitBranch => ({
  name, commit: "abc", local: true, remote: true, current: false, default: false, protected: false, published: false, hasEditState: false, ...extra,
});

function conflict(mine: unknown, theirs: unknown, resolution: Record<string, unknown> | null = null): GitConflict {
  return { id: "widget:Home/Text1", kind: "widget", page: "Home", name: "Text1", base: { text: "a" }, mine, theirs, resolution };
}

describe("the status badge", () => {
  test("says when the app is not connected", () => {
    expect(badgeOf(null)).toMatchObject({ label: "Git", tone: "off" });
    expect(badgeOf({ ...connection, connected: false })).toMatchObject({ tone: "off" });
  });
  test("shows the branch, the changes and commits to push and pull", () => {
    expect(badgeOf(status([]))).toEqual({ label: "⎇ main", title: "On branch main, nothing to commit", tone: "clean" });
    const dirty = badgeOf(status([change("widget", "Home", "Text1"), change("query", "Home", "getOrders")], 1, 2));
    expect(dirty).toEqual({ label: "⎇ main · 2 changes · ↑1 · ↓2", title: "On branch main, 2 uncommitted changes, 1 commit to push, 2 commits to pull", tone: "dirty" });
    expect(badgeOf(status([change("js", "Home", "Utils")])).label).toBe("⎇ main · 1 change");
  });
  test("a pending merge wins over everything", () => {
    expect(badgeOf({ ...status([]), mergePending: true })).toMatchObject({ label: "⎇ main · merge", tone: "merge" });
  });
  test("a connection without status shows the branch only", () => {
    expect(badgeOf({ ...connection, currentBranch: "feature/x" })).toMatchObject({ label: "⎇ feature/x", tone: "clean" });
  });
});

describe("changes", () => {
  test("are grouped by page, app-wide ones first, kinds in order", () => {
    const groups = groupChanges([
      change("js", "Orders", "Utils"),
      change("widget", "Orders", "Table1", "added"),
      change("datasource", "", "Orders DB"),
      change("widget", "Home", "Text1"),
      change("application", "", ""),
      change("page", "", "Orders", "added"),
    ]);
    expect(groups.map((g) => [g.page, g.changes.map(entityLabel)])).toEqual([
      ["", ["App settings", "Datasource Orders DB"]],
      ["Home", ["Widget Text1"]],
      ["Orders", ["Page Orders", "Widget Table1", "JS object Utils"]],
    ]);
  });
});

describe("branches", () => {
  test("the picker lists the current branch first, then the default, then by name", () => {
    const list = branchChoices([branch("zeta"), branch("main", { default: true }), branch("feature", { current: true }), branch("alpha", { local: false })]);
    expect(list.map((b) => b.name)).toEqual(["feature", "main", "alpha", "zeta"]);
  });
  test("names are checked as Git would", () => {
    const existing = [branch("main")];
    expect(branchNameProblem("", existing)).toBe("Give the branch a name.");
    expect(branchNameProblem("main", existing)).toMatch(/exists already/);
    for (const bad of ["a..b", "a//b", "end/", "end.", "x.lock", "-x", "sp ace", "a@{b"]) expect(branchNameProblem(bad, existing), bad).not.toBeNull();
    expect(branchNameProblem("feature/new-report_2", existing)).toBeNull();
  });
  test("the current, default, published and protected branches cannot be deleted", () => {
    expect(deleteProblem(branch("a", { current: true }))).toMatch(/Switch/);
    expect(deleteProblem(branch("a", { default: true }))).toMatch(/default/);
    expect(deleteProblem(branch("a", { published: true }))).toMatch(/published/);
    expect(deleteProblem(branch("a", { protected: true }))).toMatch(/protected/);
    expect(deleteProblem(branch("a"))).toBeNull();
  });
});

describe("connecting", () => {
  test("a token goes with an HTTPS URL, a deploy key with SSH", () => {
    const form = { ...EMPTY_CONNECT_FORM, remoteUrl: "https://git.example.com/team/apps.git" };
    expect(connectProblem({ ...form, remoteUrl: "" }, false)).toMatch(/URL/);
    expect(connectProblem(form, false)).toMatch(/token/);
    expect(connectProblem({ ...form, token: "t" }, false)).toBeNull();
    expect(connectProblem({ ...form, token: "t", remoteUrl: "git@git.example.com:team/apps.git" }, false)).toMatch(/https/);
    const ssh = { ...form, auth: "ssh" as const, remoteUrl: "git@git.example.com:team/apps.git" };
    expect(connectProblem(ssh, false)).toMatch(/deploy key/);
    expect(connectProblem(ssh, true)).toBeNull();
    expect(connectProblem({ ...ssh, remoteUrl: "ssh://git@127.0.0.1:2222/srv/apps.git" }, true)).toBeNull();
    expect(connectProblem({ ...ssh, remoteUrl: "https://git.example.com/x.git" }, true)).toMatch(/ssh/);
  });
  test("the request leaves out empty optional fields and never sends a token with SSH", () => {
    expect(connectBody({ ...EMPTY_CONNECT_FORM, remoteUrl: " https://h/x.git ", token: "tok" })).toEqual({ remoteUrl: "https://h/x.git", auth: "token", token: "tok", useRepository: false });
    expect(connectBody({ ...EMPTY_CONNECT_FORM, auth: "ssh", remoteUrl: "git@h:x.git", token: "left over", branch: "dev", folder: "apps/a", useRepository: true })).toEqual({
      remoteUrl: "git@h:x.git", auth: "ssh", branch: "dev", folder: "apps/a", useRepository: true,
    });
  });
  test("a pasted host key goes with SSH only, trimmed", () => {
    const key = " github.com ssh-ed25519 AAAAC3Nza ";
    expect(connectBody({ ...EMPTY_CONNECT_FORM, auth: "ssh", remoteUrl: "git@h:x.git", hostKey: key })).toMatchObject({ hostKey: key.trim() });
    expect(connectBody({ ...EMPTY_CONNECT_FORM, remoteUrl: "https://h/x.git", token: "t", hostKey: key })).not.toHaveProperty("hostKey");
    expect(hostKeyLines([{ type: "ssh-ed25519", fingerprint: "SHA256:abc" }])).toEqual(["ssh-ed25519 SHA256:abc"]);
  });
});

describe("pulls and merges", () => {
  const answer = (result: GitMergeOutcome["result"], commit: string | null, more: Partial<GitMergeOutcome> = {}): GitMergeOutcome => ({
    result, commit, conflicts: [], datasources: [], jsLibraries: [], jsLibrariesRemoved: [], ...more,
  });

  test("say what they did, and only a real change reloads the editor", () => {
    const conflicts = [conflict({ text: "mine" }, { text: "theirs" })];
    expect(outcomeMessage("Pull", answer("up-to-date", null))).toBe("Pull: already up to date.");
    expect(outcomeMessage("Pull", answer("fast-forward", "abcdef0123"))).toBe("Pull: fast-forwarded to abcdef0.");
    expect(outcomeMessage("Merge", answer("merged", "1234567890"))).toBe("Merge: merged as 1234567.");
    expect(outcomeMessage("Merge", answer("conflicts", null, { conflicts }))).toBe("Merge: 1 conflict to resolve; nothing in the app changed yet.");
    expect(changesEditState(answer("fast-forward", "a"))).toBe(true);
    expect(changesEditState(answer("merged", "a"))).toBe(true);
    expect(changesEditState(answer("conflicts", null, { conflicts }))).toBe(false);
    expect(changesEditState(answer("up-to-date", null))).toBe(false);
  });

  test("name the JS libraries installed and removed and the datasources that need a look", () => {
    const outcome = answer("fast-forward", "abcdef0123", {
      jsLibraries: [{ name: "tinycsv", url: "https://cdn/x.js", installed: true, problem: null }, { name: "dayjs", url: "https://cdn/d.js", installed: true, problem: null }],
      jsLibrariesRemoved: ["pads"],
      datasources: [{ name: "Billing", connector: "mysql", created: true, message: "Created with the production settings the app records: add its credentials." }],
    });
    expect(outcomeMessage("Pull", outcome)).toBe(
      "Pull: fast-forwarded to abcdef0. Installed JS libraries tinycsv, dayjs. Removed JS library pads. "
      + "Datasource Billing: Created with the production settings the app records: add its credentials.",
    );
  });
});

describe("conflicts", () => {
  test("progress counts resolutions, and the merge completes only when all are resolved", () => {
    const open = conflict({ a: 1 }, { a: 2 });
    const mine = conflict({ a: 1 }, { a: 2 }, { choice: "mine" });
    const edited = conflict({ a: 1 }, { a: 2 }, { choice: "edit", value: { a: 3 } });
    expect(mergeProgress([open, mine])).toEqual({ text: "1 of 2 conflicts resolved", complete: false });
    expect(mergeProgress([mine, edited])).toEqual({ text: "2 of 2 conflicts resolved", complete: true });
    expect(resolutionOf(open)).toBeNull();
    expect(resolutionOf(edited)).toEqual({ choice: "edit", value: { a: 3 } });
    expect(resolutionOf(conflict(1, 2, { choice: "bogus" }))).toBeNull();
    expect([open, mine, edited, conflict(1, 2, { choice: "theirs" }), conflict(1, 2, { choice: "edit", value: null })].map((c) => resolutionLabel(resolutionOf(c)))).toEqual([
      "Not resolved", "Keeping mine", "Edited", "Taking theirs", "Edited: deleted",
    ]);
  });
  test("an edit starts from mine (theirs when mine deleted it) and must be a JSON object", () => {
    const c = conflict({ text: "mine" }, { text: "theirs" });
    expect(editStart(c)).toBe('{\n  "text": "mine"\n}');
    expect(editStart(conflict(null, { text: "theirs" }))).toContain("theirs");
    expect(parseEdit(c, '{"text": "both"}')).toEqual({ value: { text: "both" } });
    expect(parseEdit(c, "  ")).toEqual({ value: null });
    expect(parseEdit(c, "[1]")).toEqual({ problem: "The value must be a JSON object." });
    expect(parseEdit(c, "{nope")).toMatchObject({ problem: expect.stringMatching(/^Not valid JSON/) });
  });
  test("side by side marks the lines that differ, and a deleted side says so", () => {
    const view = sideBySide({ text: "mine", top: 1 }, { text: "theirs", top: 1 });
    expect(view.mine.filter((l) => l.differs).map((l) => l.text.trim())).toEqual(['"text": "mine",']);
    expect(view.theirs.filter((l) => l.differs).map((l) => l.text.trim())).toEqual(['"text": "theirs",']);
    expect(sideBySide(null, { a: 1 }).mine).toEqual([{ text: "(deleted)", differs: true }]);
  });
});
