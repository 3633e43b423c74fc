/**
 * Everything outside a running app: the logged-out screens and the workspace screens. Loaded as
 * one chunk, so a viewer of a published app never downloads it.
 */
import { useEffect, useState } from "react";

import { workspaces as workspaceApi, type User } from "../api/resources";
import { navigate, queryParam } from "../navigation/history";
import { loginPath, type Route } from "../navigation/routes";
import { pageStorage } from "../runtime/storage";
import { usePrompt } from "../ui/PromptDialog";
import { AdminPage } from "./admin/AdminPage";
import { ApplicationsPanel } from "./ApplicationsPanel";
import { ConfirmSignupPage } from "./auth/ConfirmSignupPage";
import { ForgotPasswordPage } from "./auth/ForgotPasswordPage";
import { LoginPage } from "./auth/LoginPage";
import { ResetPasswordPage } from "./auth/ResetPasswordPage";
import { SignupPage } from "./auth/SignupPage";
import { MembersPanel } from "./MembersPanel";
import { IdentitiesPanel } from "./IdentitiesPanel";
import { ErrorNote, Loading } from "./Notice";
import { PasswordPanel } from "./PasswordPanel";
import { currentUser, SessionContext } from "./session";
import { TokensPanel } from "./TokensPanel";
import { TrashPanel } from "./TrashPanel";
import { TwoFactorPanel } from "./TwoFactorPanel";
import { useOperation, useResource } from "./useResource";
import { LAST_WORKSPACE_KEY, WorkspaceLayout } from "./WorkspaceLayout";

type ShellRouteKind = Exclude<Route, { kind: "viewer" } | { kind: "editor" }>;

export default function ShellRoute({ route, search }: { route: ShellRouteKind; search: string }) {
  const session = useResource(currentUser, []);
  const [signedIn, setSignedIn] = useState<User | null>(null);
  const user = signedIn ?? session.data ?? null;
  const next = queryParam(search, "next");

  switch (route.kind) {
    case "login":
      return <LoginPage next={next} error={queryParam(search, "error")} onSignedIn={setSignedIn} />;
    case "signup":
      return <SignupPage next={next} onSignedIn={setSignedIn} />;
    case "confirmSignup":
      return <ConfirmSignupPage token={queryParam(search, "token")} onSignedIn={setSignedIn} />;
    case "forgotPassword":
      return <ForgotPasswordPage />;
    case "resetPassword":
      return <ResetPasswordPage token={queryParam(search, "token")} onSignedIn={setSignedIn} />;
    default:
      break;
  }
  if (session.error && !user) return <ErrorNote message={session.error.message} onRetry={session.reload} />;
  if (!user) {
    if (session.loading) return <Loading what="your account" />;
    return <RedirectToLogin />;
  }
  return (
    <SessionContext.Provider value={user}>
      <Workspaces route={route} />
    </SessionContext.Provider>
  );
}

function RedirectToLogin() {
  useEffect(() => navigate(loginPath(window.location.pathname + window.location.search), { replace: true }), []);
  return <Loading what="the login page" />;
}

function Workspaces({ route }: { route: ShellRouteKind }) {
  const list = useResource(() => workspaceApi.list(), []);
  const { prompt, dialog } = usePrompt();
  const op = useOperation();
  const workspaceId = route.kind === "workspace" ? route.workspaceId : null;
  const current = list.data?.find((w) => w.id === workspaceId);

  useEffect(() => {
    if (!list.data) return;
    if (route.kind === "home") {
      const remembered = pageStorage().getItem(LAST_WORKSPACE_KEY);
      const target = list.data.find((w) => w.id === remembered) ?? list.data[0];
      if (target) navigate(`/workspaces/${encodeURIComponent(target.id)}`, { replace: true });
    }
    if (current) pageStorage().setItem(LAST_WORKSPACE_KEY, current.id);
  }, [list.data, route.kind, current]);

  const createWorkspace = async () => {
    const name = await prompt({ title: "New workspace", label: "Name", submitLabel: "Create" });
    if (!name) return;
    await op.run(async () => {
      const created = await workspaceApi.create(name);
      list.reload();
      navigate(`/workspaces/${encodeURIComponent(created.id)}`);
    });
  };

  const section = route.kind === "workspace" ? route.section : route.kind;
  let body;
  if (list.error) body = <ErrorNote message={list.error.message} onRetry={list.reload} />;
  else if (!list.data) body = <Loading what="workspaces" />;
  else if (route.kind === "tokens") body = <TokensPanel />;
  else if (route.kind === "password") body = <PasswordPanel />;
  else if (route.kind === "identities") body = <IdentitiesPanel />;
  else if (route.kind === "twoFactor") body = <TwoFactorPanel />;
  else if (route.kind === "admin") body = <AdminPage section={route.section} />;
  else if (route.kind === "notFound") body = <ErrorNote message="There is no page at this address." />;
  else if (route.kind === "workspace" && !current) body = <ErrorNote message="This workspace does not exist or you are not a member of it." />;
  else if (current && route.kind === "workspace") {
    body =
      route.section === "members" ? (
        <MembersPanel workspace={current} />
      ) : route.section === "trash" ? (
        <TrashPanel workspace={current} />
      ) : (
        <ApplicationsPanel workspace={current} />
      );
  } else if (list.data.length === 0) {
    body = (
      <section className="lc-panel">
        <h1>Welcome</h1>
        <p>You are not in any workspace yet. Create one to build applications, or ask a colleague to invite you.</p>
        <button type="button" className="lc-primary" onClick={() => void createWorkspace()}>
          Create a workspace
        </button>
      </section>
    );
  } else body = <Loading what="your workspace" />;

  return (
    <WorkspaceLayout workspaces={list.data ?? []} current={current} section={section} onCreateWorkspace={() => void createWorkspace()}>
      <ErrorNote message={op.error} />
      {body}
      {dialog}
    </WorkspaceLayout>
  );
}
