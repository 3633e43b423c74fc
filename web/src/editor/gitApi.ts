/** The Git routes of one application (`/api/v1/applications/{id}/git/...`), typed, and a signal the
 * status badge listens to after an operation. */
import { api } from "../api/http";

export type EntityKind = "application" | "datasource" | "page" | "widget" | "query" | "js";

export interface GitConnection {
  readonly connected: boolean;
  readonly remoteUrl: string;
  readonly authKind: string;
  readonly username: string;
  readonly hasToken: boolean;
  readonly publicKey: string | null;
  readonly folder: string;
  readonly defaultBranch: string;
  readonly currentBranch: string;
  readonly publishedBranch: string;
  readonly protectedBranches: readonly string[];
  readonly autoCommitOnPublish: boolean;
  readonly headCommit: string | null;
  readonly mergePending: boolean;
}

export interface GitChange {
  readonly id: string;
  readonly kind: EntityKind;
  readonly page: string;
  readonly name: string;
  readonly change: "added" | "modified" | "deleted";
}

export interface GitStatus extends GitConnection {
  readonly clean: boolean;
  readonly changes: readonly GitChange[];
  readonly ahead: number;
  readonly behind: number;
}

export interface GitConflict {
  readonly id: string;
  readonly kind: EntityKind;
  readonly page: string;
  readonly name: string;
  readonly base: unknown;
  readonly mine: unknown;
  readonly theirs: unknown;
  readonly resolution: Record<string, unknown> | null;
}

export interface GitMergeOutcome {
  readonly result: "up-to-date" | "fast-forward" | "merged" | "conflicts";
  readonly commit: string | null;
  readonly conflicts: readonly GitConflict[];
}

export interface GitPendingMerge {
  readonly kind: "pull" | "merge";
  readonly source: string;
  readonly ours: string;
  readonly theirs: string;
  readonly base: string | null;
  readonly conflicts: readonly GitConflict[];
}

export interface GitBranch {
  readonly name: string;
  readonly commit: string | null;
  readonly local: boolean;
  readonly remote: boolean;
  readonly current: boolean;
  readonly default: boolean;
  readonly protected: boolean;
  readonly published: boolean;
  readonly hasEditState: boolean;
}

export interface GitSettingsChanges {
  readonly autoCommitOnPublish?: boolean;
  readonly publishedBranch?: string | null;
  readonly protectedBranches?: readonly string[];
}

const base = (appId: string) => `/applications/${encodeURIComponent(appId)}/git`;

export const gitApi = {
  connection: (appId: string) => api<GitConnection>(base(appId)),
  status: (appId: string, fetch = false) => api<GitStatus>(`${base(appId)}/status${fetch ? "?fetch=true" : ""}`),
  createDeployKey: (appId: string) => api<{ publicKey: string }>(`${base(appId)}/deploy-key`, { method: "POST" }),
  connect: (appId: string, body: Record<string, unknown>) => api<GitConnection>(`${base(appId)}/connect`, { method: "POST", body }),
  disconnect: (appId: string) => api<void>(base(appId), { method: "DELETE" }),
  updateSettings: (appId: string, changes: GitSettingsChanges) => api<GitConnection>(`${base(appId)}/settings`, { method: "PATCH", body: changes }),
  commit: (appId: string, message: string) => api<{ commit: string | null; branch: string; changed: number }>(`${base(appId)}/commit`, { method: "POST", body: { message } }),
  push: (appId: string) => api<{ branch: string; commit: string }>(`${base(appId)}/push`, { method: "POST" }),
  pull: (appId: string) => api<GitMergeOutcome>(`${base(appId)}/pull`, { method: "POST" }),
  discard: (appId: string) => api<{ branch: string; commit: string | null }>(`${base(appId)}/discard`, { method: "POST" }),
  branches: (appId: string, fetch = false) => api<{ branches: GitBranch[] }>(`${base(appId)}/branches${fetch ? "?fetch=true" : ""}`).then((r) => r.branches),
  createBranch: (appId: string, name: string, from?: string) => api<{ name: string; commit: string; from: string }>(`${base(appId)}/branches`, { method: "POST", body: { name, ...(from ? { from } : {}) } }),
  switchBranch: (appId: string, name: string) => api<GitConnection>(`${base(appId)}/branches/switch`, { method: "POST", body: { name } }),
  deleteBranch: (appId: string, name: string, remote = false) => api<void>(`${base(appId)}/branches/delete`, { method: "POST", body: { name, remote } }),
  merge: (appId: string, source: string) => api<GitMergeOutcome>(`${base(appId)}/merge`, { method: "POST", body: { source } }),
  pendingMerge: (appId: string) => api<GitPendingMerge>(`${base(appId)}/merge`),
  resolve: (appId: string, conflictId: string, choice: "mine" | "theirs" | "edit", value?: unknown) =>
    api<GitPendingMerge>(`${base(appId)}/merge/resolve`, { method: "POST", body: { conflictId, choice, ...(choice === "edit" ? { value } : {}) } }),
  completeMerge: (appId: string) => api<GitMergeOutcome>(`${base(appId)}/merge/complete`, { method: "POST" }),
  abortMerge: (appId: string) => api<void>(`${base(appId)}/merge/abort`, { method: "POST" }),
};

/** Tells the status badge that Git state (or the edit state) changed. */
export const gitSignal = new EventTarget();

export function notifyGitChanged(): void {
  gitSignal.dispatchEvent(new Event("changed"));
}
