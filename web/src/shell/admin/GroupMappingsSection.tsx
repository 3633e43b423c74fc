/** Instance administration: which identity-provider group gives which role in which workspace.
 * Applied at once to the group's members, and whenever the provider changes the group. */
import { useState } from "react";

import { admin, ROLES, roleLabel, workspaces, type Role } from "../../api/resources";
import { ErrorNote, Loading } from "../Notice";
import { useOperation, useResource } from "../useResource";

export function GroupMappingsSection() {
  const mappings = useResource(() => admin.groupMappings(), []);
  const spaces = useResource(() => workspaces.list(), []);
  const op = useOperation();
  const [group, setGroup] = useState("");
  const [workspaceId, setWorkspaceId] = useState("");
  const [role, setRole] = useState<Role>("developer");
  const chosen = workspaceId || spaces.data?.[0]?.id || "";
  return (
    <section aria-labelledby="group-mappings-title">
      <h2 id="group-mappings-title">Groups and workspace roles</h2>
      <p className="lc-muted">Members of a provisioned group get a role in a workspace. The highest role wins when several apply.</p>
      <form className="lc-inline-form" aria-label="New group mapping"
        onSubmit={(e) => {
          e.preventDefault();
          void op.run(() => admin.createGroupMapping(group, chosen, role)).then((ok) => {
            if (ok) setGroup("");
            mappings.reload();
          });
        }}>
        <label className="lc-form-field">
          <span>Group</span>
          <input name="mapping-group" value={group} onChange={(e) => setGroup(e.target.value)} required maxLength={200} placeholder="Engineering" />
        </label>
        <label className="lc-form-field">
          <span>Workspace</span>
          <select name="mapping-workspace" value={chosen} onChange={(e) => setWorkspaceId(e.target.value)}>
            {spaces.data?.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <label className="lc-form-field">
          <span>Role</span>
          <select name="mapping-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="lc-primary" disabled={op.pending || !chosen}>
          Add mapping
        </button>
      </form>
      <ErrorNote message={op.error} />
      {mappings.loading && !mappings.data && <Loading what="mappings" />}
      <ErrorNote message={mappings.error?.message} onRetry={mappings.reload} />
      {mappings.data?.length === 0 && <p className="lc-empty">No mappings: provisioned people join workspaces by invitation.</p>}
      <ul className="lc-rows" aria-label="Group mappings">
        {mappings.data?.map((m) => (
          <li key={m.id} className="lc-row">
            <span className="lc-row__main">
              <strong>{m.group}</strong> → {roleLabel(m.role)} in {m.workspaceName}
            </span>
            <button type="button" className="lc-danger-text" onClick={() => void op.run(() => admin.deleteGroupMapping(m.id)).then(mappings.reload)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
