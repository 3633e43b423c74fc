/**
 * Whether a workspace's datasources may reach private networks (localhost, 10.x, 192.168.x, ...).
 * Only instance administrators decide it (docs/security.md, "Outbound connections from
 * datasources"): a Developer who could reach the instance's own network could reach its store.
 */
import { useState } from "react";

import { workspaces, type Workspace } from "../api/resources";
import { ErrorNote } from "./Notice";
import { useOperation } from "./useResource";

type Choice = "default" | "allowed" | "refused";

const choiceOf = (value: boolean | null | undefined): Choice => (value === true ? "allowed" : value === false ? "refused" : "default");
const valueOf = (choice: Choice): boolean | null => (choice === "allowed" ? true : choice === "refused" ? false : null);

export function PrivateNetworksSetting({ workspace }: { workspace: Workspace }) {
  const [choice, setChoice] = useState<Choice>(choiceOf(workspace.privateNetworks));
  const [effective, setEffective] = useState<boolean | null>(null);
  const op = useOperation();
  return (
    <section aria-labelledby="private-networks-title">
      <h2 id="private-networks-title">Private networks</h2>
      <p className="lc-muted">
        May this workspace&apos;s datasources connect to private addresses (localhost, 10.x, 172.16–31.x, 192.168.x)? The
        instance&apos;s own database and Redis stay out of reach either way.
      </p>
      <label className="lc-form-field">
        <span>Datasources may reach private networks</span>
        <select
          name="private-networks"
          value={choice}
          disabled={op.pending}
          onChange={(e) => {
            const next = e.target.value as Choice;
            void op.run(async () => {
              const saved = await workspaces.setPrivateNetworks(workspace.id, valueOf(next));
              setChoice(next);
              setEffective(saved.privateNetworksAllowed);
            });
          }}
        >
          <option value="default">As the instance default (LOWCRAFT_ALLOW_PRIVATE_NETWORKS)</option>
          <option value="allowed">Allowed</option>
          <option value="refused">Refused</option>
        </select>
      </label>
      {effective !== null && (
        <p className="lc-notice lc-notice--ok" role="status">
          {effective ? "Datasources of this workspace may now reach private networks." : "Datasources of this workspace may not reach private networks."}
        </p>
      )}
      <ErrorNote message={op.error} />
    </section>
  );
}
