/** The signed-in person's identities at sign-in providers: which, since when, and unlinking one. */
import { signIn } from "../api/resources";
import { useConfirm } from "../ui/ConfirmDialog";
import { ErrorNote, Loading } from "./Notice";
import { useOperation, useResource } from "./useResource";

export function IdentitiesPanel() {
  const identities = useResource(() => signIn.identities(), []);
  const op = useOperation();
  const { confirm, dialog } = useConfirm();
  return (
    <section className="lc-panel" aria-labelledby="identities-title">
      <div className="lc-panel__head">
        <h1 id="identities-title">Linked accounts</h1>
      </div>
      <p className="lc-muted">
        Accounts at sign-in providers that log you in here. An account is linked the first time you sign in with its provider.
      </p>
      <ErrorNote message={op.error} />
      {identities.loading && !identities.data && <Loading what="linked accounts" />}
      <ErrorNote message={identities.error?.message} onRetry={identities.reload} />
      {identities.data?.length === 0 && <p className="lc-empty">No linked accounts: you log in with your password.</p>}
      <ul className="lc-rows" aria-label="Linked accounts">
        {identities.data?.map((i) => (
          <li key={i.id} className="lc-row" data-identity={i.provider}>
            <span className="lc-row__main">
              <strong>{i.providerName}</strong> <span className="lc-muted">{i.email}</span>
            </span>
            <span className="lc-muted">
              linked {new Date(i.createdAt).toLocaleDateString()}
              {i.lastUsedAt ? ` · last used ${new Date(i.lastUsedAt).toLocaleDateString()}` : ""}
            </span>
            <button
              type="button"
              className="lc-danger-text"
              onClick={async () => {
                if (await confirm({ title: `Unlink ${i.providerName}?`, message: "You will no longer log in here with this account.", confirmLabel: "Unlink", danger: true })) {
                  void op.run(() => signIn.unlink(i.id)).then(() => identities.reload());
                }
              }}
            >
              Unlink
            </button>
          </li>
        ))}
      </ul>
      {dialog}
    </section>
  );
}
