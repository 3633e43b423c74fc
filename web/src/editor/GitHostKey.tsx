/**
 * The SSH host key pinned for the app's remote, in the Git panel's settings: its SHA256
 * fingerprints (to compare with those the Git host publishes) and re-pinning after the host really
 * changed its key - the key pasted, or the one the server presents now. The server refuses any
 * other key, so a re-pin is the only way past a changed one; it is audited.
 */
import { useState } from "react";

import type { GitConnection } from "./gitApi";
import { gitApi } from "./gitApi";
import { hostKeyLines } from "./gitModel";

export interface GitHostKeyProps {
  readonly appId: string;
  readonly hostKeys: GitConnection["hostKeys"];
  readonly busy: boolean;
  run(label: string, op: () => Promise<unknown>): Promise<void>;
}

export default function GitHostKey(props: GitHostKeyProps) {
  const [pasted, setPasted] = useState("");
  const lines = hostKeyLines(props.hostKeys);
  return (
    <section aria-label="SSH host key" className="lc-git-section">
      <h4>SSH host key</h4>
      {lines.length ? (
        <ul>
          {lines.map((line) => (
            <li key={line}>
              <code data-host-key-fingerprint>{line}</code>
            </li>
          ))}
        </ul>
      ) : (
        <p className="lc-git-error">No host key is pinned: Git operations are refused until one is.</p>
      )}
      <p className="lc-ed-muted">Compare it with the fingerprint your Git host publishes. A server presenting another key is refused.</p>
      <label>
        New host key (optional: paste it; empty pins the key the server presents now)
        <textarea rows={2} value={pasted} onChange={(e) => setPasted(e.target.value)} aria-label="New host key" />
      </label>
      <button
        type="button"
        disabled={props.busy}
        onClick={() =>
          window.confirm("Trust a new SSH host key for this remote? Do it only after checking its fingerprint with your Git host.") &&
          void props.run("Pinning the host key…", () => gitApi.pinHostKey(props.appId, pasted.trim())).then(() => setPasted(""))
        }
      >
        Re-pin host key
      </button>
    </section>
  );
}
