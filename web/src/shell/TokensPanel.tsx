/** Personal API tokens: create one (its secret is shown once), list them, revoke them. */
import { useState } from "react";

import { accounts } from "../api/resources";
import { useConfirm } from "../ui/ConfirmDialog";
import { ErrorNote, Loading } from "./Notice";
import { useOperation, useResource } from "./useResource";

export function TokensPanel() {
  const tokens = useResource(() => accounts.tokens(), []);
  const op = useOperation();
  const { confirm, dialog } = useConfirm();
  const [name, setName] = useState("");
  const [days, setDays] = useState("");
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  return (
    <section className="lc-panel" aria-labelledby="tokens-title">
      <div className="lc-panel__head">
        <h1 id="tokens-title">API tokens</h1>
      </div>
      <p className="lc-muted">
        A token acts as you in scripts and tools: send it as <code>Authorization: Bearer &lt;token&gt;</code>.
      </p>
      <form
        className="lc-inline-form"
        aria-label="New token"
        onSubmit={(e) => {
          e.preventDefault();
          void op
            .run(async () => {
              const created = await accounts.createToken(name, days.trim() === "" ? null : Number(days));
              setSecret({ name: created.name, token: created.token });
              setCopied(false);
            })
            .then((ok) => {
              if (ok) {
                setName("");
                setDays("");
                tokens.reload();
              }
            });
        }}
      >
        <label className="lc-form-field">
          <span>Name</span>
          <input name="token-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="CI deploys" />
        </label>
        <label className="lc-form-field">
          <span>Expires in (days, optional)</span>
          <input name="token-days" type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        <button type="submit" className="lc-primary" disabled={op.pending}>
          Create token
        </button>
      </form>
      {secret && (
        <div className="lc-secret" role="status">
          <p>
            <strong>Copy the token {secret.name} now.</strong> It is shown only once.
          </p>
          <code data-testid="new-token">{secret.token}</code>{" "}
          <button
            type="button"
            onClick={() => void navigator.clipboard.writeText(secret.token).then(() => setCopied(true), () => setCopied(false))}
          >
            {copied ? "Copied" : "Copy"}
          </button>{" "}
          <button type="button" className="lc-link" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      )}
      <ErrorNote message={op.error} />
      {tokens.loading && !tokens.data && <Loading what="tokens" />}
      <ErrorNote message={tokens.error?.message} onRetry={tokens.reload} />
      {tokens.data?.length === 0 && <p className="lc-empty">No tokens yet.</p>}
      <ul className="lc-rows" aria-label="Tokens">
        {tokens.data?.map((t) => (
          <li key={t.id} className="lc-row" data-token={t.name}>
            <span className="lc-row__main">
              <strong>{t.name}</strong> <code className="lc-muted">{t.prefix}…</code>
            </span>
            <span className="lc-muted">
              {t.lastUsedAt ? `last used ${new Date(t.lastUsedAt).toLocaleDateString()}` : "never used"}
              {t.expiresAt ? ` · expires ${new Date(t.expiresAt).toLocaleDateString()}` : ""}
            </span>
            <button
              type="button"
              className="lc-danger-text"
              onClick={async () => {
                if (await confirm({ title: `Revoke ${t.name}?`, message: "Scripts using it stop working at once.", confirmLabel: "Revoke", danger: true })) {
                  void op.run(() => accounts.revokeToken(t.id)).then(() => tokens.reload());
                }
              }}
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
      {dialog}
    </section>
  );
}
