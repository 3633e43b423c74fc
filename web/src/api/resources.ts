/** The shapes of the account, workspace and application resources of /api/v1, and calls on them. */
import { api } from "./http";

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly isInstanceAdmin: boolean;
}

export type Role = "administrator" | "developer" | "viewer";
export const ROLES: readonly Role[] = ["administrator", "developer", "viewer"];

/** A role as people read it (Appsmith's names). */
export const ROLE_LABELS: Readonly<Record<Role, string>> = { administrator: "Administrator", developer: "Developer", viewer: "App Viewer" };
export const roleLabel = (role: string): string => ROLE_LABELS[role as Role] ?? role;

export interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

export interface Member extends User {
  readonly role: Role;
}

export interface Invite {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly createdAt: string;
}

export interface ApplicationSummary {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly slug: string;
  readonly isPublic: boolean;
  readonly isPublished: boolean;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
  readonly role?: Role;
}

/** A page as the server lists it (`lowcraft/pages/api.py` `page_summary`), without its widget tree. */
export interface PageSummary {
  readonly id: string;
  readonly applicationId: string;
  readonly name: string;
  readonly slug: string;
  readonly position: number;
  readonly isDefault: boolean;
  readonly hidden: boolean;
  readonly revision: number;
}

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
}

/** What signup answers: the new user (the instance's first), or that a link went out by email. */
export type SignupOutcome = User | { readonly status: "check_email"; readonly message: string };

const id = encodeURIComponent;

export const accounts = {
  me: () => api<User>("/me"),
  login: (email: string, password: string) => api<User>("/auth/login", { method: "POST", body: { email, password } }),
  /** The instance's first user is signed up at once; anyone else is sent a link by email. */
  signup: (name: string, email: string, password: string) => api<SignupOutcome>("/auth/signup", { method: "POST", body: { name, email, password } }),
  confirmSignup: (token: string) => api<User>("/auth/signup/confirm", { method: "POST", body: { token } }),
  logout: () => api<void>("/auth/logout", { method: "POST" }),
  requestReset: (email: string) => api<{ message: string }>("/auth/password-reset", { method: "POST", body: { email } }),
  confirmReset: (token: string, password: string) => api<User>("/auth/password-reset/confirm", { method: "POST", body: { token, password } }),
  changePassword: (currentPassword: string, newPassword: string, revokeApiTokens: boolean) =>
    api<void>("/me/password", { method: "POST", body: { currentPassword, newPassword, revokeApiTokens } }),
  tokens: () => api<{ tokens: ApiToken[] }>("/me/tokens").then((r) => r.tokens),
  createToken: (name: string, expiresInDays: number | null) =>
    api<ApiToken & { token: string }>("/me/tokens", { method: "POST", body: { name, expiresInDays } }),
  revokeToken: (tokenId: string) => api<void>(`/me/tokens/${id(tokenId)}`, { method: "DELETE" }),
};

export const workspaces = {
  list: () => api<{ workspaces: Workspace[] }>("/workspaces").then((r) => r.workspaces),
  create: (name: string) => api<Workspace>("/workspaces", { method: "POST", body: { name } }),
  rename: (workspaceId: string, name: string) => api<Workspace>(`/workspaces/${id(workspaceId)}`, { method: "PATCH", body: { name } }),
  members: (workspaceId: string) => api<{ members: Member[] }>(`/workspaces/${id(workspaceId)}/members`).then((r) => r.members),
  changeRole: (workspaceId: string, userId: string, role: Role) =>
    api<Member>(`/workspaces/${id(workspaceId)}/members/${id(userId)}`, { method: "PATCH", body: { role } }),
  removeMember: (workspaceId: string, userId: string) => api<void>(`/workspaces/${id(workspaceId)}/members/${id(userId)}`, { method: "DELETE" }),
  invites: (workspaceId: string) => api<{ invites: Invite[] }>(`/workspaces/${id(workspaceId)}/invites`).then((r) => r.invites),
  invite: (workspaceId: string, email: string, role: Role) =>
    api<{ status: "added" | "invited" }>(`/workspaces/${id(workspaceId)}/invites`, { method: "POST", body: { email, role } }),
  cancelInvite: (workspaceId: string, inviteId: string) => api<void>(`/workspaces/${id(workspaceId)}/invites/${id(inviteId)}`, { method: "DELETE" }),
};

export const applications = {
  list: (workspaceId: string) =>
    api<{ applications: ApplicationSummary[] }>(`/workspaces/${id(workspaceId)}/applications`).then((r) => r.applications),
  trash: (workspaceId: string) => api<{ applications: ApplicationSummary[] }>(`/workspaces/${id(workspaceId)}/trash`).then((r) => r.applications),
  create: (workspaceId: string, name: string) =>
    api<ApplicationSummary>(`/workspaces/${id(workspaceId)}/applications`, { method: "POST", body: { name } }),
  import: (workspaceId: string, document: unknown) =>
    api<ApplicationSummary>(`/workspaces/${id(workspaceId)}/applications/import`, { method: "POST", body: { document } }),
  get: (applicationId: string) => api<ApplicationSummary & { pages: PageSummary[] }>(`/applications/${id(applicationId)}`),
  rename: (applicationId: string, name: string) => api<ApplicationSummary>(`/applications/${id(applicationId)}`, { method: "PATCH", body: { name } }),
  remove: (applicationId: string) => api<void>(`/applications/${id(applicationId)}`, { method: "DELETE" }),
  restore: (applicationId: string) => api<ApplicationSummary>(`/applications/${id(applicationId)}/restore`, { method: "POST" }),
  clone: (applicationId: string) => api<ApplicationSummary>(`/applications/${id(applicationId)}/clone`, { method: "POST" }),
  publish: (applicationId: string) => api<ApplicationSummary>(`/applications/${id(applicationId)}/publish`, { method: "POST" }),
  export: (applicationId: string) => api<Record<string, unknown>>(`/applications/${id(applicationId)}/export`),
};

/** A file name for an exported application: its name, made safe, with `.json`. */
export function exportFileName(name: string): string {
  const base = name.trim().replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
  return `${base || "application"}.lowcraft.json`;
}
