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
export type SignupOutcome = Schema.UserOut | Schema.CheckEmail | Schema.SignInPending;
/** A sign-in waiting for a second factor (`two_factor`) or for one to be set up (`two_factor_enrolment`). */
export type SignInPending = Schema.SignInPending;
/** What a sign-in answers: the user (signed in), or the second-factor step that is due. */
export type SignInOutcome = User | SignInPending;
export const isPending = (outcome: SignInOutcome | Schema.CheckEmail): outcome is SignInPending =>
  "status" in outcome && (outcome.status === "two_factor" || outcome.status === "two_factor_enrolment");
export type TwoFactorEnrolment = Schema.TwoFactorEnrolmentOut;
export type TwoFactorStatus = Schema.TwoFactorStatusOut;
export type TwoFactorPolicy = Schema.TwoFactorPolicyOut;
export type ScimToken = Schema.ScimTokenOut;
export type GroupMapping = Schema.GroupMappingOut;

const id = encodeURIComponent;

export const accounts = {
  me: () => api<User>("/me"),
  login: (email: string, password: string) => api<SignInOutcome>("/auth/login", { method: "POST", body: { email, password } }),
  /** The instance's first user is signed up at once; anyone else is sent a link by email. */
  signup: (name: string, email: string, password: string) => api<SignupOutcome>("/auth/signup", { method: "POST", body: { name, email, password } }),
  confirmSignup: (token: string) => api<SignInOutcome>("/auth/signup/confirm", { method: "POST", body: { token } }),
  /** Ends the session; a session from a SAML IdP with single logout answers where the browser
   *  goes to log out of the IdP too. */
  logout: () => api<Schema.LogoutRedirect | undefined>("/auth/logout", { method: "POST" }),
  requestReset: (email: string) => api<Schema.Message>("/auth/password-reset", { method: "POST", body: { email } }),
  confirmReset: (token: string, password: string) =>
    api<SignInOutcome>("/auth/password-reset/confirm", { method: "POST", body: { token, password } }),
  changePassword: (currentPassword: string, newPassword: string, revokeApiTokens: boolean) =>
    api<void>("/me/password", { method: "POST", body: { currentPassword, newPassword, revokeApiTokens } }),
  tokens: () => api<Schema.ApiTokenList>("/me/tokens").then((r) => r.tokens),
  createToken: (name: string, expiresInDays: number | null) =>
    api<Schema.ApiTokenCreated>("/me/tokens", { method: "POST", body: { name, expiresInDays } }),
  revokeToken: (tokenId: string) => api<void>(`/me/tokens/${id(tokenId)}`, { method: "DELETE" }),
};

export type InstanceSettings = Schema.InstanceSettings;

/** Instance administration (instance administrators only): settings, the 2FA requirement, provisioning. */
export const admin = {
  settings: () => api<InstanceSettings>("/admin/settings"),
  change: (changes: { jsLibraryUrls?: readonly string[] }) => api<InstanceSettings>("/admin/settings", { method: "PATCH", body: changes }),
  twoFactorPolicy: () => api<TwoFactorPolicy>("/admin/two-factor"),
  setInstanceTwoFactor: (required: boolean) => api<TwoFactorPolicy>("/admin/two-factor", { method: "PUT", body: { required } }),
  setWorkspaceTwoFactor: (workspaceId: string, required: boolean) =>
    api<Schema.WorkspaceTwoFactorOut>(`/workspaces/${id(workspaceId)}/two-factor`, { method: "PUT", body: { required } }),
  scimTokens: () => api<Schema.ScimTokenList>("/admin/scim/tokens"),
  createScimToken: (name: string) => api<Schema.ScimTokenCreated>("/admin/scim/tokens", { method: "POST", body: { name } }),
  revokeScimToken: (tokenId: string) => api<void>(`/admin/scim/tokens/${id(tokenId)}`, { method: "DELETE" }),
  groupMappings: () => api<Schema.GroupMappingList>("/admin/scim/group-mappings").then((r) => r.mappings),
  createGroupMapping: (group: string, workspaceId: string, role: Role) =>
    api<GroupMapping>("/admin/scim/group-mappings", { method: "POST", body: { group, workspaceId, role } }),
  deleteGroupMapping: (mappingId: string) => api<void>(`/admin/scim/group-mappings/${id(mappingId)}`, { method: "DELETE" }),
};

export type LoginOptions = Schema.LoginOptions;
export type LinkedIdentity = Schema.LinkedIdentityOut;
export type SignInProvider = Schema.ProviderOut;
export type SignInProviderKind = Schema.ProviderKindOut;
export type MappingRule = Schema.MappingRuleOut;
export type SignInAdmin = Schema.SignInAdmin;

/** A provider as the admin page sends it (its settings with secrets; a secret left out is kept on a change). */
export interface ProviderInput {
  slug: string;
  kind: string;
  name: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  createAccounts: boolean;
  roleMapping: MappingRule[];
}

/** Signing in with a provider: the login page's options, the browser's way there, linked identities. */
export const signIn = {
  options: () => api<LoginOptions>("/auth/providers"),
  /** The address the browser opens (a full page load: the provider's pages are not ours). */
  startUrl: (slug: string, next: string | null) =>
    `/api/v1/auth/providers/${id(slug)}/start${next ? `?next=${encodeURIComponent(next)}` : ""}`,
  identities: () => api<Schema.LinkedIdentityList>("/me/identities").then((r) => r.identities),
  unlink: (identityId: string) => api<void>(`/me/identities/${id(identityId)}`, { method: "DELETE" }),
};

/** Instance administrators: sign-in providers and the password switch. */
export const signInAdmin = {
  get: () => api<SignInAdmin>("/admin/sign-in"),
  setPasswordLogin: (passwordLogin: boolean) =>
    api<Schema.SignInSettingsOut>("/admin/sign-in/settings", { method: "PUT", body: { passwordLogin } }),
  create: (provider: ProviderInput) => api<SignInProvider>("/admin/sign-in/providers", { method: "POST", body: provider }),
  update: (providerId: string, changes: Partial<Omit<ProviderInput, "slug" | "kind">>) =>
    api<SignInProvider>(`/admin/sign-in/providers/${id(providerId)}`, { method: "PATCH", body: changes }),
  remove: (providerId: string) => api<void>(`/admin/sign-in/providers/${id(providerId)}`, { method: "DELETE" }),
};

/** Two-factor authentication: the sign-in steps, and the signed-in user's own second factor. */
export const twoFactor = {
  /** Finish a pending sign-in with an authenticator code or a recovery code. */
  submit: (code: { code: string } | { recoveryCode: string }) => api<User>("/auth/two-factor", { method: "POST", body: code }),
  /** A pending sign-in that must set up a second factor first. */
  beginPendingEnrolment: () => api<TwoFactorEnrolment>("/auth/two-factor/enrolment", { method: "POST" }),
  confirmPendingEnrolment: (code: string) =>
    api<Schema.SignedInWithCodes>("/auth/two-factor/enrolment/confirm", { method: "POST", body: { code } }),
  status: () => api<TwoFactorStatus>("/me/two-factor"),
  beginEnrolment: () => api<TwoFactorEnrolment>("/me/two-factor/enrolment", { method: "POST" }),
  confirmEnrolment: (code: string) =>
    api<Schema.RecoveryCodesOut>("/me/two-factor/enrolment/confirm", { method: "POST", body: { code } }).then((r) => r.recoveryCodes),
  renewRecoveryCodes: (proof: { code?: string; password?: string }) =>
    api<Schema.RecoveryCodesOut>("/me/two-factor/recovery-codes", { method: "POST", body: proof }).then((r) => r.recoveryCodes),
  disable: (proof: { code?: string; password?: string }) => api<void>("/me/two-factor/disable", { method: "POST", body: proof }),
};

/** Instance administration: the 2FA requirement, provisioning tokens and group mappings. */

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
