/** The Git routes of one application (`/api/v1/applications/{id}/git/...`), typed, and a signal the
 * status badge listens to after an operation. */
import type * as Schema from "../api/generated";
import { api } from "../api/http";

export type GitConnection = Schema.GitConnectionOut;
export type GitChange = Schema.EntityChange;
export type EntityKind = GitChange["kind"];
export type GitStatus = Schema.GitStatus;
export type GitConflict = Schema.Conflict;
export type GitMergeOutcome = Schema.MergeOutcome;
export type GitPendingMerge = Schema.PendingMerge;
export type GitBranch = Schema.Branch;

export interface GitSettingsChanges {
  readonly autoCommitOnPublish?: boolean;
  readonly publishedBranch?: string | null;
  readonly protectedBranches?: readonly string[];
}

const base = (appId: string) => `/applications/${encodeURIComponent(appId)}/git`;

export const gitApi = {
  connection: (appId: string) => api<GitConnection>(base(appId)),
  status: (appId: string, fetch = false) => api<GitStatus>(`${base(appId)}/status${fetch ? "?fetch=true" : ""}`),
  createDeployKey: (appId: string) => api<Schema.DeployKey>(`${base(appId)}/deploy-key`, { method: "POST" }),
  connect: (appId: string, body: Record<string, unknown>) => api<GitConnection>(`${base(appId)}/connect`, { method: "POST", body }),
  pinHostKey: (appId: string, hostKey = "") => api<GitConnection>(`${base(appId)}/host-key`, { method: "POST", body: { hostKey } }),
  disconnect: (appId: string) => api<void>(base(appId), { method: "DELETE" }),
  updateSettings: (appId: string, changes: GitSettingsChanges) => api<GitConnection>(`${base(appId)}/settings`, { method: "PATCH", body: changes }),
  commit: (appId: string, message: string) => api<Schema.CommitResult>(`${base(appId)}/commit`, { method: "POST", body: { message } }),
  push: (appId: string) => api<Schema.PushResult>(`${base(appId)}/push`, { method: "POST" }),
  pull: (appId: string) => api<GitMergeOutcome>(`${base(appId)}/pull`, { method: "POST" }),
  discard: (appId: string) => api<Schema.DiscardResult>(`${base(appId)}/discard`, { method: "POST" }),
  branches: (appId: string, fetch = false) => api<Schema.BranchList>(`${base(appId)}/branches${fetch ? "?fetch=true" : ""}`).then((r) => [...r.branches]),
  createBranch: (appId: string, name: string, from?: string) => api<Schema.BranchCreated>(`${base(appId)}/branches`, { method: "POST", body: { name, ...(from ? { from } : {}) } }),
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
