/**
 * Bringing an Appsmith app over: the "Import from Appsmith" dialog (a JSON export or a zip of the
 * app's Git repository) and the import report that follows it - everything carried, everything
 * not (type, name, page, why) and the next steps, with links to the datasources to complete.
 */
import { useState } from "react";

import { applications, type AppsmithImportResult, type ImportReportLine, type Workspace } from "../api/resources";
import { Link } from "./Link";
import { ErrorNote } from "./Notice";

const STATUS_LABELS: Readonly<Record<ImportReportLine["status"], string>> = {
  carried: "Carried",
  migrated: "Migrated",
  adjusted: "Adjusted",
  placeholder: "Placeholder",
  notCarried: "Not carried",
};

/** The dialog: pick a file, optionally name the app, import. */
export function ImportAppsmithDialog(props: { workspace: Workspace; onImported(result: AppsmithImportResult): void; onClose(): void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="lc-dialog-backdrop" role="presentation" onClick={() => !busy && props.onClose()}>
      <form
        className="lc-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="lc-import-appsmith-title"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === "Escape" && !busy && props.onClose()}
        onSubmit={(e) => {
          e.preventDefault();
          if (!file) return;
          setBusy(true);
          setError(null);
          applications.importAppsmith(props.workspace.id, file, file.name, name.trim() || undefined).then(
            (result) => props.onImported(result),
            (e: unknown) => {
              setError(e instanceof Error ? e.message : String(e));
              setBusy(false);
            },
          );
        }}
      >
        <h2 id="lc-import-appsmith-title">Import from Appsmith</h2>
        <p>Choose an app exported from Appsmith (a .json file), or a .zip of the app&apos;s Git repository. Datasource credentials never travel with an export: you fill them in afterwards.</p>
        <label className="lc-form-field">
          <span>Export file</span>
          <input type="file" accept=".json,.zip,application/json,application/zip" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label className="lc-form-field">
          <span>Application name (optional)</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="The name it had in Appsmith" />
        </label>
        <ErrorNote message={error} />
        <div className="lc-dialog__buttons">
          <button type="button" className="lc-secondary" onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="lc-primary" disabled={!file || busy}>
            {busy ? "Importing…" : "Import"}
          </button>
        </div>
      </form>
    </div>
  );
}

function ReportTable({ caption, lines }: { caption: string; lines: readonly ImportReportLine[] }) {
  if (lines.length === 0) return null;
  return (
    <table className="lc-table lc-import-report__table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">What</th>
          <th scope="col">Name</th>
          <th scope="col">Page</th>
          <th scope="col">Appsmith type</th>
          <th scope="col">Status</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line, index) => (
          <tr key={`${line.kind}:${line.page ?? ""}:${line.name}:${index}`} data-status={line.status} data-name={line.name}>
            <td>{line.kind}</td>
            <td>{line.name}</td>
            <td>{line.page ?? "—"}</td>
            <td>{line.type ?? "—"}</td>
            <td>{STATUS_LABELS[line.status]}</td>
            <td>{line.why}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The import report: a page of the shell shown right after an import. */
export function ImportReportPage({ result, editorPath, onDone }: { result: AppsmithImportResult; editorPath: string | null; onDone(): void }) {
  const { application, report } = result;
  const withQuery = (datasourceId: string) => (editorPath ? `${editorPath}?datasource=${encodeURIComponent(datasourceId)}` : null);
  return (
    <section className="lc-panel lc-import-report" aria-labelledby="import-report-title">
      <div className="lc-panel__head">
        <h1 id="import-report-title">Imported {application.name}</h1>
        <div className="lc-panel__actions">
          {editorPath && (
            <Link to={editorPath} className="lc-button-link">
              Open in the editor
            </Link>
          )}
          <button type="button" className="lc-secondary" onClick={onDone}>
            Back to applications
          </button>
        </div>
      </div>
      <p role="status">
        From {report.app} ({report.source["form"] === "git" ? "Git repository" : "JSON export"}) in {result.seconds.toFixed(2)} s:{" "}
        {report.carried.length} things carried, {report.notCarried.length} not.
      </p>
      {report.nextSteps.length > 0 && (
        <>
          <h2>Next steps</h2>
          <ol className="lc-import-report__steps">
            {report.nextSteps.map((step, index) => {
              const href = step.datasourceId ? withQuery(step.datasourceId) : null;
              return (
                <li key={`${step.kind}:${step.name}:${index}`} data-step={step.kind}>
                  {step.message}{" "}
                  {href && (
                    <Link to={href}>{step.kind === "chooseConnector" ? `Pick a connector for ${step.name}` : `Open ${step.name}`}</Link>
                  )}
                </li>
              );
            })}
          </ol>
        </>
      )}
      <ReportTable caption="Not carried" lines={report.notCarried} />
      <ReportTable caption="Carried" lines={report.carried} />
    </section>
  );
}
