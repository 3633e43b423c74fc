/** A workspace administrator's choice: must the workspace's members sign in with a second factor?
 * Turning it on ends the sessions of members without one (they set it up at their next sign-in). */
import { useState } from "react";

import { admin, type Workspace } from "../api/resources";
import { ErrorNote } from "./Notice";
import { useOperation } from "./useResource";

export function WorkspaceTwoFactorSetting({ workspace }: { workspace: Workspace }) {
  const [required, setRequired] = useState(workspace.requireTwoFactor);
  const op = useOperation();
  return (
    <section aria-labelledby="workspace-two-factor-title">
      <h2 id="workspace-two-factor-title">Two-factor authentication</h2>
      <label className="lc-check">
        <input type="checkbox" name="workspace-two-factor" checked={required} disabled={op.pending}
          onChange={(e) => {
            const next = e.target.checked;
            void op.run(async () => setRequired((await admin.setWorkspaceTwoFactor(workspace.id, next)).required));
          }} />
        Members must sign in with a second factor
      </label>
      <p className="lc-muted">Members without one are signed out and set it up at their next sign-in. Set it up for your own account first.</p>
      <ErrorNote message={op.error} />
    </section>
  );
}
