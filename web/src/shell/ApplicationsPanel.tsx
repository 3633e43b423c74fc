/**
 * A workspace's applications: open, edit, create, import a JSON export or an Appsmith app, rename,
 * clone, publish, export (download) and move to the trash. App Viewers see only what they can open.
 */
import { useRef, useState } from "react";

import { applications, exportFileName, type ApplicationSummary, type AppsmithImportResult, type Workspace } from "../api/resources";
import { navigate } from "../navigation/history";
import { useConfirm } from "../ui/ConfirmDialog";
import { saveFile } from "../ui/download";
import { usePrompt } from "../ui/PromptDialog";
import { ImportAppsmithDialog, ImportReportPage } from "./ImportAppsmith";
import { Link } from "./Link";
import { ErrorNote, Loading } from "./Notice";
import { useOperation, useResource } from "./useResource";

/** Read an export file; a clear message when it is not one. */
export async function readExportFile(file: { text(): Promise<string> }): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await file.text());
  } catch {
    throw new Error("This file is not JSON. Choose a Lowcraft application export (.json).");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !("pages" in parsed)) {
    throw new Error("This JSON file is not a Lowcraft application export (it has no pages).");
  }
  return parsed as Record<string, unknown>;
}

export const canDevelop = (workspace: Workspace): boolean => workspace.role === "administrator" || workspace.role === "developer";

export function ApplicationsPanel({ workspace }: { workspace: Workspace }) {
  const list = useResource(() => applications.list(workspace.id), [workspace.id]);
  const op = useOperation();
  const { confirm, dialog: confirmDialog } = useConfirm();
  const { prompt, dialog: promptDialog } = usePrompt();
  const fileInput = useRef<HTMLInputElement>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [imported, setImported] = useState<{ result: AppsmithImportResult; editorPath: string | null } | null>(null);
  const developer = canDevelop(workspace);

  const showReport = async (result: AppsmithImportResult) => {
    setImporting(false);
    let editorPath: string | null = null;
    try {
      const full = await applications.get(result.application.id);
      const page = full.pages.find((p) => p.isDefault) ?? full.pages[0];
      if (page) editorPath = `/app/${encodeURIComponent(full.id)}/edit/${encodeURIComponent(page.slug)}`;
    } catch {
      // The report still shows; only the editor links are missing.
    }
    setImported({ result, editorPath });
    list.reload();
  };

  if (imported) {
    return <ImportReportPage result={imported.result} editorPath={imported.editorPath} onDone={() => setImported(null)} />;
  }

  const act = async (operation: () => Promise<unknown>, done?: string) => {
    setNotice(null);
    if (await op.run(operation)) {
      if (done) setNotice(done);
      list.reload();
    }
  };

  const edit = (app: ApplicationSummary) =>
    act(async () => {
      const full = await applications.get(app.id);
      const page = full.pages.find((p) => p.isDefault) ?? full.pages[0];
      if (!page) throw new Error(`${app.name} has no page to edit.`);
      navigate(`/app/${encodeURIComponent(app.id)}/edit/${encodeURIComponent(page.slug)}`);
    });

  return (
    <section className="lc-panel" aria-labelledby="apps-title">
      <div className="lc-panel__head">
        <h1 id="apps-title">Applications</h1>
        {developer && (
          <div className="lc-panel__actions">
            <button
              type="button"
              className="lc-primary"
              onClick={async () => {
                const name = await prompt({ title: "New application", label: "Name", submitLabel: "Create" });
                if (name) void act(() => applications.create(workspace.id, name), `Created ${name}.`);
              }}
            >
              New application
            </button>
            <button type="button" className="lc-secondary" onClick={() => fileInput.current?.click()}>
              Import
            </button>
            <button type="button" className="lc-secondary" onClick={() => setImporting(true)}>
              Import from Appsmith
            </button>
            <input
              ref={fileInput}
              type="file"
              accept=".json,application/json"
              aria-label="Import an application file"
              className="lc-visually-hidden"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = "";
                if (file) {
                  void act(async () => {
                    const imported = await applications.import(workspace.id, await readExportFile(file));
                    setNotice(`Imported ${imported.name}.`);
                  });
                }
              }}
            />
          </div>
        )}
      </div>
      <ErrorNote message={op.error} />
      {notice && (
        <p className="lc-notice lc-notice--ok" role="status">
          {notice}
        </p>
      )}
      {list.loading && !list.data && <Loading what="applications" />}
      <ErrorNote message={list.error?.message} onRetry={list.reload} />
      {list.data?.length === 0 && (
        <p className="lc-empty">{developer ? "No applications yet. Create one or import an export file." : "No applications are shared with you here yet."}</p>
      )}
      <ul className="lc-cards">
        {list.data?.map((app) => (
          <li key={app.id} className="lc-card" data-app={app.name}>
            <div className="lc-card__title">
              <h2>{app.name}</h2>
              <span className={`lc-badge${app.isPublished ? " lc-badge--ok" : ""}`}>{app.isPublished ? "Published" : "Not published"}</span>
              {app.isPublic && <span className="lc-badge">Public</span>}
            </div>
            <div className="lc-card__actions">
              {app.isPublished && (
                <Link to={`/app/${encodeURIComponent(app.slug)}`} className="lc-button-link">
                  Open
                </Link>
              )}
              {developer && (
                <>
                  <button type="button" onClick={() => void edit(app)}>
                    Edit
                  </button>
                  <button type="button" onClick={() => void act(() => applications.publish(app.id), `Published ${app.name}.`)}>
                    Publish
                  </button>
                  <button
                    type="button"
                    onClick={async () => {
                      const name = await prompt({ title: `Rename ${app.name}`, label: "New name", initial: app.name, submitLabel: "Rename" });
                      if (name && name !== app.name) void act(() => applications.rename(app.id, name), `Renamed to ${name}.`);
                    }}
                  >
                    Rename
                  </button>
                  <button type="button" onClick={() => void act(() => applications.clone(app.id), `Cloned ${app.name}.`)}>
                    Clone
                  </button>
                  <button
                    type="button"
                    onClick={() =>
                      void act(async () => {
                        const doc = await applications.export(app.id);
                        saveFile(new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" }), exportFileName(app.name));
                      })
                    }
                  >
                    Export
                  </button>
                  <button
                    type="button"
                    className="lc-danger-text"
                    onClick={async () => {
                      const yes = await confirm({
                        title: `Delete ${app.name}?`,
                        message: "It moves to the trash, where you can restore it.",
                        confirmLabel: "Move to trash",
                        danger: true,
                      });
                      if (yes) void act(() => applications.remove(app.id), `${app.name} is in the trash.`);
                    }}
                  >
                    Delete
                  </button>
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      {confirmDialog}
      {promptDialog}
      {importing && <ImportAppsmithDialog workspace={workspace} onImported={(result) => void showReport(result)} onClose={() => setImporting(false)} />}
    </section>
  );
}
