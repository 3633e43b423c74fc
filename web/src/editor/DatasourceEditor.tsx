/**
 * Datasources: a gallery of connectors, a connection form per environment generated from the
 * connector's schema (production always; staging and development when added), "Test connection"
 * per environment, and the structure browser (tables and columns) with "New query" per table.
 */
import { useEffect, useMemo, useState } from "react";

import { editorApi, messageOf, type ActionRecord, type ConnectorInfo, type DatasourceRecord, type StructureTable } from "./editorApi";
import SchemaForm from "./SchemaForm";
import { DEFAULT_ENVIRONMENT, ENVIRONMENTS, environmentLabel, environmentsOf, saveBody, testPlan } from "./environments";
import { defaultsOf, formFields } from "./schemaForm";

/** A new query: which of the workspace's datasources it reads. */
export function QueryDatasourcePicker(props: { datasources: readonly DatasourceRecord[]; onPick(d: DatasourceRecord): void }) {
  return (
    <div className="lc-ed-doc">
      <h2>New query</h2>
      <p>Which datasource does it read?</p>
      {props.datasources.map((d) => (
        <button key={d.id} type="button" className="lc-ed-gallery__item" onClick={() => props.onPick(d)}>
          {d.name}
        </button>
      ))}
    </div>
  );
}

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
  readonly environment: string;
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
  const stored = props.datasource?.configs ?? {};
  const [name, setName] = useState(props.datasource?.name ?? `${props.connector.displayName} datasource`);
  const [kept, setKept] = useState<string[]>(() => environmentsOf(stored));
  const [env, setEnv] = useState<string>(DEFAULT_ENVIRONMENT);
  // Every environment's form starts from its stored values (secrets masked) or the schema's defaults.
  const [configs, setConfigs] = useState<Record<string, Record<string, unknown>>>(() =>
    Object.fromEntries(ENVIRONMENTS.map((e) => [e, { ...defaultsOf(fields), ...(stored[e] ?? {}) }])),
  );
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [tables, setTables] = useState<StructureTable[] | null>(null);
  const secrets = props.connector.secretFields;

  useEffect(() => {
    if (!props.datasource) return;
    editorApi.structure(props.datasource.id).then(
      (s) => (s.ok ? setTables(s.tables) : setProblem(s.error?.message ?? "Could not read the structure")),
      (e: unknown) => setProblem(messageOf(e)),
    );
  }, [props.datasource]);

  const config = configs[env] ?? {};

  const test = async () => {
    const environment = env;
    const plan = testPlan(props.datasource ? stored[environment] : undefined, config, secrets);
    setOutcome(null);
    if (plan === "save-first") {
      setOutcome({ environment, ok: false, message: "Save first: the stored password is only tested once the changed values are saved (or type the password again)." });
      return;
    }
    setBusy(true);
    try {
      const r =
        plan === "stored" && props.datasource
          ? await editorApi.testDatasource(props.datasource.id, environment)
          : await editorApi.testUnsaved(props.workspaceId, props.connector.type, config);
      setOutcome({ environment, ok: r["ok"] === true, message: String(r["message"] ?? (r["ok"] ? "Connected" : "Failed")) + (r["hint"] ? ` ${String(r["hint"])}` : "") });
    } catch (e) {
      setOutcome({ environment, ok: false, message: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const body = saveBody(stored, configs, kept);
      const saved = props.datasource
        ? await editorApi.updateDatasource(props.datasource.id, { name, configs: body.configs, ...(body.removeEnvironments.length > 0 ? { removeEnvironments: body.removeEnvironments } : {}) })
        : await editorApi.createDatasource(props.workspaceId, { name, connector: props.connector.type, configs: body.configs });
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
      <div role="tablist" aria-label="Environments" className="lc-ed-envs">
        {kept.map((e) => (
          <button key={e} type="button" role="tab" aria-selected={env === e} data-environment={e} onClick={() => setEnv(e)}>
            {environmentLabel(e)}
          </button>
        ))}
        {ENVIRONMENTS.filter((e) => !kept.includes(e)).map((e) => (
          <button
            key={e}
            type="button"
            className="lc-ed-muted"
            onClick={() => {
              setKept(ENVIRONMENTS.filter((x) => x === e || kept.includes(x)));
              setEnv(e);
            }}
          >
            + {environmentLabel(e)}
          </button>
        ))}
      </div>
      <section role="tabpanel" aria-label={`${environmentLabel(env)} values`} data-environment-form={env}>
        <SchemaForm key={env} fields={fields} value={config} onChange={(c) => setConfigs({ ...configs, [env]: c })} />
        {env !== DEFAULT_ENVIRONMENT && (
          <button
            type="button"
            onClick={() => {
              setKept(kept.filter((x) => x !== env));
              setEnv(DEFAULT_ENVIRONMENT);
            }}
          >
            Remove the {env} values
          </button>
        )}
      </section>
      <div className="lc-ed-actions">
        <button type="button" onClick={() => void test()} disabled={busy}>
          Test {env} connection
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
        <p role="status" className={outcome.ok ? "lc-ed-ok" : "lc-ed-bad"} data-test-outcome={outcome.ok ? "ok" : "failed"} data-test-environment={outcome.environment}>
          {outcome.ok ? "✓ " : "✗ "}
          {environmentLabel(outcome.environment)}: {outcome.message}
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

/** An imported datasource of a kind Lowcraft lacked: its queries wait until a connector is picked. */
export function PlaceholderDatasource(props: {
  appId: string;
  datasource: DatasourceRecord;
  connectors: readonly ConnectorInfo[];
  onPicked(ds: DatasourceRecord, actions: ActionRecord[]): void;
  onError(message: string): void;
}) {
  const pick = async (c: ConnectorInfo) => {
    const ds = await editorApi.updateDatasource(props.datasource.id, { connector: c.type });
    props.onPicked(ds, await editorApi.actions(props.appId));
  };
  return (
    <div className="lc-ed-placeholder-ds" data-placeholder-datasource={props.datasource.name}>
      <p role="note">
        <strong>{props.datasource.name}</strong> came from Appsmith as a kind of datasource Lowcraft cannot run. Pick the connector to use instead; its queries keep their text
        and can run once the connection is filled in.
      </p>
      <ConnectorGallery connectors={props.connectors} onPick={(c) => void pick(c).catch((e: unknown) => props.onError(messageOf(e)))} />
    </div>
  );
}
