/**
 * Datasources: a gallery of connectors, a connection form generated from the connector's schema,
 * "Test connection", and the structure browser (tables and columns) with "New query" per table.
 */
import { useEffect, useMemo, useState } from "react";

import { editorApi, messageOf, type ConnectorInfo, type DatasourceRecord, type StructureTable } from "./editorApi";
import SchemaForm from "./SchemaForm";
import { defaultsOf, formFields } from "./schemaForm";

export function ConnectorGallery(props: { connectors: readonly ConnectorInfo[]; onPick(c: ConnectorInfo): void }) {
  return (
    <div className="lc-ed-doc">
      <h2>New datasource</h2>
      <p className="lc-ed-muted">Pick what to connect to.</p>
      <div className="lc-ed-gallery">
        {props.connectors.map((c) => (
          <button key={c.type} type="button" className="lc-ed-gallery__item" data-connector={c.type} onClick={() => props.onPick(c)}>
            {c.displayName}
          </button>
        ))}
      </div>
    </div>
  );
}

interface TestOutcome {
  readonly ok: boolean;
  readonly message: string;
}

export default function DatasourceEditor(props: {
  workspaceId: string;
  connector: ConnectorInfo;
  datasource: DatasourceRecord | null;
  onSaved(ds: DatasourceRecord): void;
  onNewQuery(ds: DatasourceRecord, table: StructureTable | null): void;
}) {
  const fields = useMemo(() => formFields(props.connector.connectionSchema), [props.connector]);
  const [name, setName] = useState(props.datasource?.name ?? `${props.connector.displayName} datasource`);
  const [config, setConfig] = useState<Record<string, unknown>>(() => ({ ...defaultsOf(fields), ...(props.datasource?.configs["production"] ?? {}) }));
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [tables, setTables] = useState<StructureTable[] | null>(null);
  const secrets = useMemo(() => new Set(props.connector.secretFields), [props.connector]);

  useEffect(() => {
    if (!props.datasource) return;
    editorApi.structure(props.datasource.id).then(
      (s) => (s.ok ? setTables(s.tables) : setProblem(s.error?.message ?? "Could not read the structure")),
      (e: unknown) => setProblem(messageOf(e)),
    );
  }, [props.datasource]);

  /** Secrets left empty on an existing datasource keep their stored value. */
  const configToSend = () => {
    if (!props.datasource) return config;
    const out: Record<string, unknown> = { ...config };
    for (const path of secrets) if (!path.includes(".") && out[path] === "") delete out[path];
    return out;
  };

  const test = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const r = await editorApi.testUnsaved(props.workspaceId, props.connector.type, configToSend());
      setOutcome({ ok: r["ok"] === true, message: String(r["message"] ?? (r["ok"] ? "Connected" : "Failed")) + (r["hint"] ? ` ${String(r["hint"])}` : "") });
    } catch (e) {
      setOutcome({ ok: false, message: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const saved = props.datasource
        ? await editorApi.updateDatasource(props.datasource.id, { name, configs: { production: configToSend() } })
        : await editorApi.createDatasource(props.workspaceId, { name, connector: props.connector.type, configs: { production: config } });
      props.onSaved(saved);
    } catch (e) {
      setProblem(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="lc-ed-doc" aria-label="Datasource">
      <h2>{props.connector.displayName}</h2>
      <label>
        Name
        <input aria-label="Datasource name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <SchemaForm fields={fields} value={config} onChange={setConfig} storedSecrets={props.datasource ? secrets : new Set()} />
      <div className="lc-ed-actions">
        <button type="button" onClick={() => void test()} disabled={busy}>
          Test connection
        </button>
        <button type="button" className="lc-ed-primary" onClick={() => void save()} disabled={busy}>
          Save
        </button>
        {props.datasource && (
          <button type="button" onClick={() => props.onNewQuery(props.datasource as DatasourceRecord, null)}>
            New query
          </button>
        )}
      </div>
      {outcome && (
        <p role="status" className={outcome.ok ? "lc-ed-ok" : "lc-ed-bad"} data-test-outcome={outcome.ok ? "ok" : "failed"}>
          {outcome.ok ? "✓ " : "✗ "}
          {outcome.message}
        </p>
      )}
      {problem && <p role="alert" className="lc-ed-bad">{problem}</p>}
      {tables && (
        <section className="lc-ed-structure" aria-label="Structure">
          <h3>Tables</h3>
          {tables.length === 0 && <p className="lc-ed-muted">No tables.</p>}
          {tables.map((t) => (
            <details key={`${t.schema ?? ""}.${t.name}`}>
              <summary>
                {t.schema ? `${t.schema}.` : ""}
                {t.name}{" "}
                <button type="button" onClick={() => props.onNewQuery(props.datasource as DatasourceRecord, t)}>
                  New query
                </button>
              </summary>
              <ul>
                {t.columns.map((c) => (
                  <li key={c.name}>
                    {c.name} <span className="lc-ed-muted">{c.type}</span>
                  </li>
                ))}
              </ul>
            </details>
          ))}
        </section>
      )}
    </div>
  );
}
