/** Instance administration: provisioning (SCIM) tokens an identity provider calls /scim/v2 with.
 * A token's secret is shown once; revoking one refuses the provider's next call. */
import { useState } from "react";

import { admin } from "../../api/resources";
import { useConfirm } from "../../ui/ConfirmDialog";
import { ErrorNote, Loading } from "../Notice";
import { useOperation, useResource } from "../useResource";

export function ScimTokensSection() {
  const tokens = useResource(() => admin.scimTokens(), []);
  const op = useOperation();
  const { confirm, dialog } = useConfirm();
  const [name, setName] = useState("");
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  return (
    <section aria-labelledby="scim-tokens-title">
      <h2 id="scim-tokens-title">Provisioning (SCIM)</h2>
      <p className="lc-muted">
        Give your identity provider (Okta, Entra ID, Google…) the SCIM URL <code data-testid="scim-url">{tokens.data?.scimUrl ?? "…"}</code> and a
        token: it creates, updates and deactivates accounts and groups. Deactivated people are signed out at once.
      </p>
      <form className="lc-inline-form" aria-label="New provisioning token"
        onSubmit={(e) => {
          e.preventDefault();
          void op.run(async () => {
            const created = await admin.createScimToken(name);
            setSecret({ name: created.name, token: created.token });
            setName("");
            tokens.reload();
          });
        }}>
        <label className="lc-form-field">
          <span>Identity provider</span>
          <input name="scim-token-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="Okta" />
        </label>
        <button type="submit" className="lc-primary" disabled={op.pending}>
          Create token
        </button>
      </form>
      {secret && (
        <div className="lc-secret" role="status">
          <p>
            <strong>Copy the token for {secret.name} now.</strong> It is shown only once.
          </p>
          <code data-testid="new-scim-token">{secret.token}</code>{" "}
          <button type="button" className="lc-link" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      )}
      <ErrorNote message={op.error} />
      {tokens.loading && !tokens.data && <Loading what="tokens" />}
      <ErrorNote message={tokens.error?.message} onRetry={tokens.reload} />
      {tokens.data?.tokens.length === 0 && <p className="lc-empty">No provisioning tokens.</p>}
      <ul className="lc-rows" aria-label="Provisioning tokens">
        {tokens.data?.tokens.map((t) => (
          <li key={t.id} className="lc-row">
            <span className="lc-row__main">
              <strong>{t.name}</strong> <code className="lc-muted">{t.prefix}…</code>
            </span>
            <span className="lc-muted">{t.lastUsedAt ? `last used ${new Date(t.lastUsedAt).toLocaleString()}` : "never used"}</span>
            <button type="button" className="lc-danger-text"
              onClick={async () => {
                if (await confirm({ title: `Revoke ${t.name}?`, message: "The identity provider's next call is refused.", confirmLabel: "Revoke", danger: true })) {
                  void op.run(() => admin.revokeScimToken(t.id)).then(tokens.reload);
                }
              }}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
      {dialog}
    </section>
  );
}
