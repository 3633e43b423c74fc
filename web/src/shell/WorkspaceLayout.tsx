/** The logged-in frame: workspace switcher, sections, the user's menu; the section's panel inside. */
import type { ReactNode } from "react";

import { accounts, roleLabel, type Workspace } from "../api/resources";
import { navigate } from "../navigation/history";
import { pageStorage } from "../runtime/storage";
import { Link } from "./Link";
import { useUser } from "./session";

export const LAST_WORKSPACE_KEY = "lowcraft.lastWorkspace";

export function WorkspaceLayout(props: {
  workspaces: readonly Workspace[];
  current: Workspace | undefined;
  section: string;
  onCreateWorkspace(): void;
  children: ReactNode;
}) {
  const user = useUser();
  const { current } = props;
  const sections: [string, string][] = current
    ? [
        ["applications", "Applications"],
        ["members", "Members"],
        ["trash", "Trash"],
      ]
    : [];
  return (
    <div className="lc-shell">
      <header className="lc-shell__top">
        <Link to="/" className="lc-brand">
          Lowcraft
        </Link>
        <label className="lc-switcher">
          <span className="lc-visually-hidden">Workspace</span>
          <select
            aria-label="Workspace"
            value={current?.id ?? ""}
            onChange={(e) => {
              if (e.target.value === "__new__") props.onCreateWorkspace();
              else navigate(`/workspaces/${encodeURIComponent(e.target.value)}`);
            }}
          >
            {!current && <option value="">Choose a workspace</option>}
            {props.workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
            <option value="__new__">+ New workspace…</option>
          </select>
        </label>
        <span className="lc-shell__spacer" />
        <Link to="/settings/tokens" className={props.section === "tokens" ? "lc-active" : undefined}>
          API tokens
        </Link>
        <Link to="/settings/password" className={props.section === "password" ? "lc-active" : undefined}>
          Password
        </Link>
        <Link to="/settings/identities" className={props.section === "identities" ? "lc-active" : undefined}>
          Linked accounts
        </Link>
        <Link to="/settings/two-factor" className={props.section === "twoFactor" ? "lc-active" : undefined}>
          Two-factor
        </Link>
        {user.isInstanceAdmin && (
          <Link to="/admin" className={props.section === "admin" ? "lc-active" : undefined}>
            Admin
          </Link>
        )}
        <span className="lc-shell__user" title={user.email}>
          {user.name || user.email}
        </span>
        <button
          type="button"
          className="lc-secondary"
          onClick={() => {
            void accounts
              .logout()
              .catch(() => undefined)
              .then((answer) => {
                pageStorage().removeItem(LAST_WORKSPACE_KEY);
                window.location.assign(answer?.redirect ?? "/login");
              });
          }}
        >
          Log out
        </button>
      </header>
      {current && (
        <nav className="lc-shell__sections" aria-label="Workspace sections">
          <strong className="lc-shell__workspace">{current.name}</strong>
          <span className="lc-role">{roleLabel(current.role)}</span>
          {sections.map(([key, label]) => (
            <Link key={key} to={`/workspaces/${encodeURIComponent(current.id)}/${key}`} className={props.section === key ? "lc-active" : undefined}>
              {label}
            </Link>
          ))}
        </nav>
      )}
      <main className="lc-shell__main">{props.children}</main>
    </div>
  );
}
