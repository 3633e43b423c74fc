/** Who is in a workspace and with which role; invitations by email. Administrators change them. */
import { useState } from "react";

import { roleLabel, ROLES, workspaces, type Role, type Workspace } from "../api/resources";
import { useConfirm } from "../ui/ConfirmDialog";
import { ErrorNote, Loading } from "./Notice";
import { PrivateNetworksSetting } from "./PrivateNetworksSetting";
import { useUser } from "./session";
import { WorkspaceTwoFactorSetting } from "./WorkspaceTwoFactorSetting";
import { useOperation, useResource } from "./useResource";

export function MembersPanel({ workspace }: { workspace: Workspace }) {
  const me = useUser();
  const admin = workspace.role === "administrator";
  const members = useResource(() => workspaces.members(workspace.id), [workspace.id]);
  const invites = useResource(() => (admin ? workspaces.invites(workspace.id) : Promise.resolve([])), [workspace.id, admin]);
  const op = useOperation();
  const { confirm, dialog } = useConfirm();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [notice, setNotice] = useState<string | null>(null);
  const reload = () => {
    members.reload();
    invites.reload();
  };

  return (
    <section className="lc-panel" aria-labelledby="members-title">
      <div className="lc-panel__head">
        <h1 id="members-title">Members</h1>
      </div>
      {admin && (
        <form
          className="lc-inline-form"
          aria-label="Invite someone"
          onSubmit={(e) => {
            e.preventDefault();
            setNotice(null);
            void op
              .run(async () => {
                const result = await workspaces.invite(workspace.id, email, role);
                setNotice(result.status === "added" ? `${email} is now a member.` : `Invited ${email}. They join when they sign up or log in.`);
              })
              .then((ok) => {
                if (ok) {
                  setEmail("");
                  reload();
                }
              });
          }}
        >
          <label className="lc-form-field">
            <span>Email</span>
            <input type="email" name="invite-email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </label>
          <label className="lc-form-field">
            <span>Role</span>
            <select name="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="lc-primary" disabled={op.pending}>
            Invite
          </button>
        </form>
      )}
      <ErrorNote message={op.error} />
      {notice && (
        <p className="lc-notice lc-notice--ok" role="status">
          {notice}
        </p>
      )}
      {members.loading && !members.data && <Loading what="members" />}
      <ErrorNote message={members.error?.message} onRetry={members.reload} />
      <ul className="lc-rows" aria-label="Members">
        {members.data?.map((m) => (
          <li key={m.id} className="lc-row" data-member={m.email}>
            <span className="lc-row__main">
              <strong>{m.name}</strong> <span className="lc-muted">{m.email}</span>
            </span>
            {admin && m.id !== me.id ? (
              <>
                <select
                  aria-label={`Role of ${m.email}`}
                  value={m.role}
                  disabled={op.pending}
                  onChange={(e) => void op.run(() => workspaces.changeRole(workspace.id, m.id, e.target.value as Role)).then(() => members.reload())}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="lc-danger-text"
                  onClick={async () => {
                    const yes = await confirm({ title: `Remove ${m.email}?`, message: `They lose access to ${workspace.name} and its apps.`, confirmLabel: "Remove", danger: true });
                    if (yes) void op.run(() => workspaces.removeMember(workspace.id, m.id)).then(() => members.reload());
                  }}
                >
                  Remove
                </button>
              </>
            ) : (
              <span className="lc-role">{roleLabel(m.role)}</span>
            )}
          </li>
        ))}
      </ul>
      {admin && (invites.data?.length ?? 0) > 0 && (
        <>
          <h2>Pending invitations</h2>
          <ul className="lc-rows" aria-label="Pending invitations">
            {invites.data?.map((i) => (
              <li key={i.id} className="lc-row">
                <span className="lc-row__main">{i.email}</span>
                <span className="lc-role">{roleLabel(i.role)}</span>
                <button type="button" className="lc-danger-text" onClick={() => void op.run(() => workspaces.cancelInvite(workspace.id, i.id)).then(() => invites.reload())}>
                  Cancel
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {admin && <WorkspaceTwoFactorSetting workspace={workspace} />}
      {me.isInstanceAdmin && <PrivateNetworksSetting workspace={workspace} />}
      {dialog}
    </section>
  );
}
