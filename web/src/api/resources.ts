/** The shapes of the account, workspace and application resources of /api/v1, and calls on them. */
import type * as Schema from "./generated";
import { api } from "./http";

// The response shapes come from the server's OpenAPI document (`npm run api-types` writes
// `generated.ts` from `openapi.json`, which `lowcraft openapi` writes), so they cannot drift.
export type User = Schema.UserOut;
export type Role = Schema.Role;
export const ROLES: readonly Role[] = ["administrator", "developer", "viewer"];

/** A role as people read it (Appsmith's names). */
export const ROLE_LABELS: Readonly<Record<Role, string>> = { administrator: "Administrator", developer: "Developer", viewer: "App Viewer" };
export const roleLabel = (role: string): string => ROLE_LABELS[role as Role] ?? role;

export type Workspace = Schema.WorkspaceOut;
export type Member = Schema.MemberOut;
export type Invite = Schema.InviteOut;
export type ApplicationSummary = Schema.ApplicationSummary;
export type AppsmithImportResult = Schema.AppsmithImportResult;
export type ImportReport = Schema.ImportReportOut;
export type ImportReportLine = Schema.ImportReportLine;
export type ImportNextStep = Schema.ImportNextStep;
/** A page as the server lists it, without its widget tree. */
export type PageSummary = Schema.PageSummary;
export type ApiToken = Schema.ApiTokenOut;

/** What signup answers: the new user (the instance's first), or that a link went out by email. */
export type SignupOutcome = Schema.UserOut | Schema.CheckEmail;

const id = encodeURIComponent;

export const accounts = {
  me: () => api<User>("/me"),
  login: (email: string, password: string) => api<User>("/auth/login", { method: "POST", body: { email, password } }),
  /** The instance's first user is signed up at once; anyone else is sent a link by email. */
  signup: (name: string, email: string, password: string) => api<SignupOutcome>("/auth/signup", { method: "POST", body: { name, email, password } }),
  confirmSignup: (token: string) => api<User>("/auth/signup/confirm", { method: "POST", body: { token } }),
  logout: () => api<void>("/auth/logout", { method: "POST" }),
  requestReset: (email: string) => api<Schema.Message>("/auth/password-reset", { method: "POST", body: { email } }),
  confirmReset: (token: string, password: string) => api<User>("/auth/password-reset/confirm", { method: "POST", body: { token, password } }),
  changePassword: (currentPassword: string, newPassword: string, revokeApiTokens: boolean) =>
    api<void>("/me/password", { method: "POST", body: { currentPassword, newPassword, revokeApiTokens } }),
  tokens: () => api<Schema.ApiTokenList>("/me/tokens").then((r) => r.tokens),
  createToken: (name: string, expiresInDays: number | null) =>
    api<Schema.ApiTokenCreated>("/me/tokens", { method: "POST", body: { name, expiresInDays } }),
  revokeToken: (tokenId: string) => api<void>(`/me/tokens/${id(tokenId)}`, { method: "DELETE" }),
};

export const workspaces = {
  list: () => api<Schema.WorkspaceList>("/workspaces").then((r) => r.workspaces),
  create: (name: string) => api<Workspace>("/workspaces", { method: "POST", body: { name } }),
  rename: (workspaceId: string, name: string) => api<Workspace>(`/workspaces/${id(workspaceId)}`, { method: "PATCH", body: { name } }),
  members: (workspaceId: string) => api<Schema.MemberList>(`/workspaces/${id(workspaceId)}/members`).then((r) => r.members),
  changeRole: (workspaceId: string, userId: string, role: Role) =>
    api<Member>(`/workspaces/${id(workspaceId)}/members/${id(userId)}`, { method: "PATCH", body: { role } }),
  removeMember: (workspaceId: string, userId: string) => api<void>(`/workspaces/${id(workspaceId)}/members/${id(userId)}`, { method: "DELETE" }),
  invites: (workspaceId: string) => api<Schema.InviteList>(`/workspaces/${id(workspaceId)}/invites`).then((r) => r.invites),
  invite: (workspaceId: string, email: string, role: Role) =>
    api<Schema.MemberAdded | Schema.Invited>(`/workspaces/${id(workspaceId)}/invites`, { method: "POST", body: { email, role } }),
  cancelInvite: (workspaceId: string, inviteId: string) => api<void>(`/workspaces/${id(workspaceId)}/invites/${id(inviteId)}`, { method: "DELETE" }),
  /** Instance administrators: true or false for this workspace, null to follow the instance default. */
  setPrivateNetworks: (workspaceId: string, allowed: boolean | null) =>
    api<Schema.WorkspacePrivateNetworks>(`/workspaces/${id(workspaceId)}/private-networks`, { method: "PUT", body: { allowed } }),
};

export const applications = {
  list: (workspaceId: string) =>
    api<Schema.ApplicationList>(`/workspaces/${id(workspaceId)}/applications`).then((r) => r.applications),
  trash: (workspaceId: string) => api<Schema.ApplicationList>(`/workspaces/${id(workspaceId)}/trash`).then((r) => r.applications),
  create: (workspaceId: string, name: string) =>
    api<ApplicationSummary>(`/workspaces/${id(workspaceId)}/applications`, { method: "POST", body: { name } }),
  import: (workspaceId: string, document: unknown) =>
    api<ApplicationSummary>(`/workspaces/${id(workspaceId)}/applications/import`, { method: "POST", body: { document } }),
  /** An Appsmith JSON export or a zip of its Git repository; answers the new app and the import report. */
  importAppsmith: (workspaceId: string, file: Blob, fileName: string, name?: string) => {
    const form = new FormData();
    form.append("file", file, fileName);
    if (name) form.append("name", name);
    return api<AppsmithImportResult>(`/workspaces/${id(workspaceId)}/applications/import-appsmith`, { method: "POST", form });
  },
  get: (applicationId: string) => api<Schema.ApplicationDetail>(`/applications/${id(applicationId)}`),
  rename: (applicationId: string, name: string) => api<ApplicationSummary>(`/applications/${id(applicationId)}`, { method: "PATCH", body: { name } }),
  remove: (applicationId: string) => api<void>(`/applications/${id(applicationId)}`, { method: "DELETE" }),
  restore: (applicationId: string) => api<ApplicationSummary>(`/applications/${id(applicationId)}/restore`, { method: "POST" }),
  clone: (applicationId: string) => api<ApplicationSummary>(`/applications/${id(applicationId)}/clone`, { method: "POST" }),
  publish: (applicationId: string) => api<ApplicationSummary>(`/applications/${id(applicationId)}/publish`, { method: "POST" }),
  export: (applicationId: string) => api<Schema.ApplicationExport>(`/applications/${id(applicationId)}/export`),
};

/** A file name for an exported application: its name, made safe, with `.json`. */
export function exportFileName(name: string): string {
  const base = name.trim().replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
  return `${base || "application"}.lowcraft.json`;
}
