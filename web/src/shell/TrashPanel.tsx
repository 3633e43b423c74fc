/** Deleted applications of a workspace, each restorable. */
import { applications, type Workspace } from "../api/resources";
import { ErrorNote, Loading } from "./Notice";
import { useOperation, useResource } from "./useResource";

export function TrashPanel({ workspace }: { workspace: Workspace }) {
  const list = useResource(() => applications.trash(workspace.id), [workspace.id]);
  const op = useOperation();
  return (
    <section className="lc-panel" aria-labelledby="trash-title">
      <div className="lc-panel__head">
        <h1 id="trash-title">Trash</h1>
      </div>
      <ErrorNote message={op.error} />
      {list.loading && !list.data && <Loading what="the trash" />}
      <ErrorNote message={list.error?.message} onRetry={list.reload} />
      {list.data?.length === 0 && <p className="lc-empty">The trash is empty.</p>}
      <ul className="lc-cards">
        {list.data?.map((app) => (
          <li key={app.id} className="lc-card" data-app={app.name}>
            <div className="lc-card__title">
              <h2>{app.name}</h2>
              {app.deletedAt && <span className="lc-badge">Deleted {new Date(app.deletedAt).toLocaleString()}</span>}
            </div>
            <div className="lc-card__actions">
              <button type="button" disabled={op.pending} onClick={() => void op.run(() => applications.restore(app.id)).then((ok) => ok && list.reload())}>
                Restore
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
