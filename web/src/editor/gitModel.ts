/**
 * What the editor's Git panel shows and decides, framework-free: the status badge, the changes
 * grouped by page, the branch picker's choices, the connect form's checks, what an operation did,
 * and the state of a merge waiting for its conflicts' resolutions.
 */
import type { GitBranch, GitChange, GitConflict, GitConnection, GitMergeOutcome, GitStatus } from "./gitApi";

/** The top bar's badge: the branch, uncommitted changes, commits to push and to pull. */
export interface GitBadgeView {
  readonly label: string;
  readonly title: string;
  readonly tone: "off" | "clean" | "dirty" | "merge";
}

export function badgeOf(status: GitStatus | GitConnection | null): GitBadgeView {
  if (!status || !status.connected) return { label: "Git", title: "Connect this app to a Git repository", tone: "off" };
  if (status.mergePending) {
    return { label: `⎇ ${status.currentBranch} · merge`, title: "A merge waits for its conflicts to be resolved", tone: "merge" };
  }
  if (!("changes" in status)) return { label: `⎇ ${status.currentBranch}`, title: `On branch ${status.currentBranch}`, tone: "clean" };
  const parts = [`⎇ ${status.currentBranch}`];
  const changed = status.changes.length;
  if (changed) parts.push(`${changed} change${changed === 1 ? "" : "s"}`);
  if (status.ahead) parts.push(`↑${status.ahead}`);
  if (status.behind) parts.push(`↓${status.behind}`);
  const title = [
    `On branch ${status.currentBranch}`,
    changed ? `${changed} uncommitted change${changed === 1 ? "" : "s"}` : "nothing to commit",
    status.ahead ? `${status.ahead} commit${status.ahead === 1 ? "" : "s"} to push` : "",
    status.behind ? `${status.behind} commit${status.behind === 1 ? "" : "s"} to pull` : "",
  ].filter(Boolean);
  return { label: parts.join(" · "), title: title.join(", "), tone: changed ? "dirty" : "clean" };
}

const KIND_LABELS: Record<GitChange["kind"], string> = {
  application: "App settings",
  datasource: "Datasource",
  page: "Page",
  widget: "Widget",
  query: "Query",
  js: "JS object",
};

/** How an entity (a change or a conflict) is named in the panel: `Query getOrders`. */
export function entityLabel(entity: Pick<GitChange, "kind" | "name">): string {
  return entity.kind === "application" ? KIND_LABELS.application : `${KIND_LABELS[entity.kind]} ${entity.name}`;
}

export interface ChangeGroup {
  /** The page's name; "" for what is app-wide (settings, theme, datasources). */
  readonly page: string;
  readonly changes: readonly GitChange[];
}

/** Changes grouped by page (app-wide ones first), each group in kind-then-name order. */
export function groupChanges(changes: readonly GitChange[]): ChangeGroup[] {
  const order: GitChange["kind"][] = ["application", "datasource", "page", "widget", "query", "js"];
  const groups = new Map<string, GitChange[]>();
  for (const change of changes) {
    const key = change.kind === "application" || change.kind === "datasource" ? "" : change.page || change.name;
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b)))
    .map(([page, list]) => ({
      page,
      changes: [...list].sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind) || x.name.localeCompare(y.name)),
    }));
}

/** The branches a picker offers: local and remote ones once each, the current first. */
export function branchChoices(branches: readonly GitBranch[]): GitBranch[] {
  return [...branches].sort((a, b) => Number(b.current) - Number(a.current) || Number(b.default) - Number(a.default) || a.name.localeCompare(b.name));
}

/** Why a branch cannot be deleted, or null when it can. */
export function deleteProblem(branch: GitBranch): string | null {
  if (branch.current) return "Switch to another branch first.";
  if (branch.default) return "The default branch cannot be deleted.";
  if (branch.published) return "The published app comes from this branch.";
  if (branch.protected) return "The branch is protected.";
  return null;
}

const BRANCH = /^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*@\{)[A-Za-z0-9._/-]{1,200}(?<![./])$/;

/** Why `name` cannot name a new branch, or null. */
export function branchNameProblem(name: string, existing: readonly GitBranch[]): string | null {
  const trimmed = name.trim();
  if (!trimmed) return "Give the branch a name.";
  if (!BRANCH.test(trimmed) || trimmed.endsWith(".lock") || trimmed.startsWith("-")) {
    return "Letters, digits, '.', '_', '-' and '/' only; no '..', no '//', not ending in '/' or '.'.";
  }
  if (existing.some((b) => b.name === trimmed)) return `A branch named ${trimmed} exists already.`;
  return null;
}

export interface ConnectForm {
  readonly remoteUrl: string;
  readonly auth: "token" | "ssh";
  readonly username: string;
  readonly token: string;
  readonly branch: string;
  readonly folder: string;
  readonly useRepository: boolean;
  /** SSH: the server's host key as the Git host publishes it; empty pins the key the server presents. */
  readonly hostKey: string;
}

export const EMPTY_CONNECT_FORM: ConnectForm = { remoteUrl: "", auth: "token", username: "", token: "", branch: "", folder: "", useRepository: false, hostKey: "" };

const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/].*$/;

/** The form's first problem (checked again by the server), or null when it may be sent. */
export function connectProblem(form: ConnectForm, hasDeployKey: boolean): string | null {
  const url = form.remoteUrl.trim();
  if (!url) return "Give the repository's URL.";
  if (form.auth === "token") {
    if (!/^https?:\/\/[^/\s]+\/\S*$/.test(url)) return "A token goes with an https:// (or http://) URL.";
    if (!form.token) return "Give a token with write access to the repository.";
  } else {
    if (!url.startsWith("ssh://") && !SCP_LIKE.test(url)) return "A deploy key goes with an ssh:// or git@host:path URL.";
    if (!hasDeployKey) return "Generate a deploy key and add it to the repository first.";
  }
  return null;
}

/** The connect request's body: empty optional fields are left out. */
export function connectBody(form: ConnectForm): Record<string, unknown> {
  return {
    remoteUrl: form.remoteUrl.trim(),
    auth: form.auth,
    ...(form.auth === "token" ? { token: form.token, ...(form.username.trim() ? { username: form.username.trim() } : {}) } : {}),
    ...(form.auth === "ssh" && form.hostKey.trim() ? { hostKey: form.hostKey.trim() } : {}),
    ...(form.branch.trim() ? { branch: form.branch.trim() } : {}),
    ...(form.folder.trim() ? { folder: form.folder.trim() } : {}),
    useRepository: form.useRepository,
  };
}

export function shortCommit(commit: string | null | undefined): string {
  return commit ? commit.slice(0, 7) : "—";
}

/** What a pull or merge did, in words: the result, then the JS libraries it installed or removed
 * and the datasources that need a look (created here, or set up otherwise than the tree records). */
export function outcomeMessage(what: "Pull" | "Merge", outcome: GitMergeOutcome): string {
  return [resultMessage(what, outcome), ...outcomeNotes(outcome)].join(" ");
}

function resultMessage(what: "Pull" | "Merge", outcome: GitMergeOutcome): string {
  switch (outcome.result) {
    case "up-to-date":
      return `${what}: already up to date.`;
    case "fast-forward":
      return `${what}: fast-forwarded to ${shortCommit(outcome.commit)}.`;
    case "merged":
      return `${what}: merged as ${shortCommit(outcome.commit)}.`;
    case "conflicts":
      return `${what}: ${outcome.conflicts.length} conflict${outcome.conflicts.length === 1 ? "" : "s"} to resolve; nothing in the app changed yet.`;
  }
}

function outcomeNotes(outcome: GitMergeOutcome): string[] {
  const notes: string[] = [];
  const installed = outcome.jsLibraries.filter((library) => library.installed).map((library) => library.name);
  if (installed.length) notes.push(`Installed JS librar${installed.length === 1 ? "y" : "ies"} ${installed.join(", ")}.`);
  for (const library of outcome.jsLibraries.filter((item) => !item.installed)) {
    notes.push(`JS library ${library.name} was not installed: ${library.problem ?? "its code was not fetched."}`);
  }
  const removed = outcome.jsLibrariesRemoved;
  if (removed.length) notes.push(`Removed JS librar${removed.length === 1 ? "y" : "ies"} ${removed.join(", ")}.`);
  for (const datasource of outcome.datasources) notes.push(`Datasource ${datasource.name}: ${datasource.message}`);
  return notes;
}

/** Whether an operation's answer means the app's edit state changed (the editor reloads it). */
export function changesEditState(outcome: GitMergeOutcome): boolean {
  return outcome.result === "fast-forward" || outcome.result === "merged";
}

// --- a merge waiting for resolutions -------------------------------------------------------------

export type Resolution = { readonly choice: "mine" | "theirs" } | { readonly choice: "edit"; readonly value: unknown };

export function resolutionOf(conflict: GitConflict): Resolution | null {
  const r = conflict.resolution;
  if (!r || typeof r !== "object") return null;
  const choice = (r as { choice?: unknown }).choice;
  if (choice === "mine" || choice === "theirs") return { choice };
  if (choice === "edit") return { choice, value: (r as { value?: unknown }).value ?? null };
  return null;
}

export function unresolved(conflicts: readonly GitConflict[]): GitConflict[] {
  return conflicts.filter((c) => resolutionOf(c) === null);
}

/** "2 of 3 resolved" and whether the merge may complete. */
export function mergeProgress(conflicts: readonly GitConflict[]): { readonly text: string; readonly complete: boolean } {
  const open = unresolved(conflicts).length;
  const done = conflicts.length - open;
  return { text: `${done} of ${conflicts.length} conflict${conflicts.length === 1 ? "" : "s"} resolved`, complete: open === 0 };
}

export function resolutionLabel(resolution: Resolution | null): string {
  if (!resolution) return "Not resolved";
  if (resolution.choice === "mine") return "Keeping mine";
  if (resolution.choice === "theirs") return "Taking theirs";
  return "value" in resolution && resolution.value === null ? "Edited: deleted" : "Edited";
}

/** An entity's value as the side-by-side view shows it ("(deleted)" when a side removed it). */
export function sideText(value: unknown): string {
  if (value === null || value === undefined) return "(deleted)";
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 2);
}

/** The text an edit starts from: mine when it exists, else theirs. */
export function editStart(conflict: GitConflict): string {
  const value = conflict.mine ?? conflict.theirs;
  return value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

/** Read an edited value: text entities (a query text, a JS body) stay text; others must be JSON;
 * an empty text deletes the entity. */
export function parseEdit(conflict: GitConflict, text: string): { readonly value: unknown } | { readonly problem: string } {
  if (text.trim() === "") return { value: null };
  const sample = conflict.mine ?? conflict.theirs;
  if (typeof sample === "string") return { value: text };
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return { problem: "The value must be a JSON object." };
    return { value };
  } catch (e) {
    return { problem: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Lines of `mine` and `theirs` marked where they differ, for the side-by-side view. */
export function sideBySide(mine: unknown, theirs: unknown): { readonly mine: DiffLine[]; readonly theirs: DiffLine[] } {
  const a = sideText(mine).split("\n");
  const b = sideText(theirs).split("\n");
  const inB = new Set(b);
  const inA = new Set(a);
  return { mine: a.map((text) => ({ text, differs: !inB.has(text) })), theirs: b.map((text) => ({ text, differs: !inA.has(text) })) };
}

export interface DiffLine {
  readonly text: string;
  readonly differs: boolean;
}

/** The pinned SSH host keys as shown beside the remote: `ssh-ed25519 SHA256:…`, one per key type. */
export function hostKeyLines(keys: readonly { readonly type: string; readonly fingerprint: string }[]): string[] {
  return keys.map((k) => `${k.type} ${k.fingerprint}`);
}
