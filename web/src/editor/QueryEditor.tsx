/**
 * One query: its SQL (highlighted, with binding autocomplete and the datasource's tables and
 * columns) or a form from the connector's query schema (REST, GraphQL, ...), its settings, and
 * Run (in the environment chosen beside it), with the response as a table and as JSON, status, duration and the request sent.
 */
import { lazy, Suspense, useEffect, useMemo, useState } from "react";

import { sqlCompletions, type CompletionResult } from "./completions";
import type { ActionRecord, ActionSettingsValue, ConnectorInfo, DatasourceRecord, Execution, StructureTable } from "./editorApi";
import { DEFAULT_ENVIRONMENT, ENVIRONMENTS, environmentLabel } from "./environments";
import { variablesProblem } from "./graphqlSyntax";
import { previewOf } from "./preview";
import SchemaForm from "./SchemaForm";
import type { SharedText } from "./useCoEditing";
import { formFields, type Field } from "./schemaForm";

const CodeField = lazy(() => import("./CodeField"));

export interface QueryEditorProps {
  readonly action: ActionRecord;
  readonly connector: ConnectorInfo | undefined;
  readonly datasource: DatasourceRecord | undefined;
  readonly tables: readonly StructureTable[];
  readonly execution: Execution | undefined;
  readonly running: boolean;
  readonly complete: (textBefore: string) => CompletionResult | null;
  onChange(changes: { config?: Record<string, unknown>; settings?: ActionSettingsValue }): void;
  onRun(): void;
  /** The environment runs use (the datasource's values for it), chosen here for the whole editor. */
  readonly environment: string;
  onEnvironment(environment: string): void;
  onRename(name: string): void;
  onShowInTable(): void;
  onDelete(): void;
  /** Co-editing: the shared text of a string config value (`sql`, `query`, ...). */
  readonly shared?: (key: string) => SharedText | undefined;
}

function isSql(connector: ConnectorInfo | undefined): boolean {
  const props = (connector?.querySchema["properties"] ?? {}) as Record<string, Record<string, unknown>>;
  return props["sql"] !== undefined;
}

export default function QueryEditor(props: QueryEditorProps) {
  const { action } = props;
  const [name, setName] = useState(action.name);
  useEffect(() => setName(action.name), [action.name]);
  const sqlTables = useMemo(
    () => props.tables.flatMap((t) => [{ name: t.name, columns: t.columns }, ...(t.schema ? [{ name: `${t.schema}.${t.name}`, columns: t.columns }] : [])]),
    [props.tables],
  );
  const fields = useMemo(() => (props.connector && !isSql(props.connector) ? formFields(props.connector.querySchema) : []), [props.connector]);
  const settings = action.settings;
  const setSetting = (patch: Partial<ActionSettingsValue>) => props.onChange({ settings: { ...settings, ...patch } });
  return (
    <div className="lc-ed-doc lc-ed-query" aria-label="Query editor">
      <header className="lc-ed-doc__head">
        <input
          className="lc-ed-pane__name"
          aria-label="Query name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => (name.trim() && name !== action.name ? props.onRename(name.trim()) : setName(action.name))}
          onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()}
        />
        <span className="lc-ed-muted">
          {props.datasource?.name ?? "?"} · {props.connector?.displayName ?? action.connector}
        </span>
        <select aria-label="Run in environment" value={props.environment} onChange={(e) => props.onEnvironment(e.target.value)}>
          {ENVIRONMENTS.map((env) => (
            <option key={env} value={env} disabled={!(props.datasource?.environments ?? [DEFAULT_ENVIRONMENT]).includes(env)}>
              {environmentLabel(env)}
            </option>
          ))}
        </select>
        <button type="button" className="lc-ed-primary" onClick={props.onRun} disabled={props.running}>
          {props.running ? "Running…" : "Run"}
        </button>
        <button type="button" onClick={props.onDelete}>
          Delete
        </button>
      </header>
      {isSql(props.connector) && !settings.preparedStatements && <PreparedStatementsOff onTurnOn={() => setSetting({ preparedStatements: true })} />}
      {isSql(props.connector) ? (
        <Suspense fallback={<div className="lc-code" />}>
          <CodeField
            label="SQL"
            language="sql"
            minLines={6}
            value={typeof action.config["sql"] === "string" ? (action.config["sql"] as string) : ""}
            complete={props.complete}
            completeOutside={(before) => sqlCompletions(before, sqlTables)}
            placeholder="select * from orders where status = {{Select1.selectedOptionValue}}"
            onChange={(sql) => props.onChange({ config: { ...action.config, sql } })}
            shared={props.shared?.("sql")}
          />
        </Suspense>
      ) : props.connector?.type === "graphql" ? (
        <GraphqlForm shared={props.shared} config={action.config} fields={fields} complete={props.complete} onChange={(config) => props.onChange({ config })} />
      ) : (
        <SchemaForm fields={fields} value={action.config} onChange={(config) => props.onChange({ config })} />
      )}
      <details className="lc-ed-settings">
        <summary>Settings</summary>
        <label>
          <input type="checkbox" checked={settings.runOnPageLoad} onChange={(e) => setSetting({ runOnPageLoad: e.target.checked })} /> Run on page load
        </label>
        <label>
          <input type="checkbox" checked={settings.confirmBeforeRun} onChange={(e) => setSetting({ confirmBeforeRun: e.target.checked })} /> Ask for confirmation before running
        </label>
        <label>
          <input type="checkbox" checked={settings.preparedStatements} onChange={(e) => setSetting({ preparedStatements: e.target.checked })} /> Use prepared statements
        </label>
        <label>
          Cache results for (s){" "}
          <input
            type="number"
            min={0}
            max={86400}
            aria-label="Cache results for (seconds)"
            title="The same bound values get the same result for this long (0: never). For reads only."
            value={settings.cacheSeconds ?? 0}
            onChange={(e) => setSetting({ cacheSeconds: Math.min(86400, Math.max(0, Math.round(Number(e.target.value) || 0))) })}
          />
        </label>
        <label>
          Timeout (ms){" "}
          <input type="number" min={100} value={settings.timeoutMs} onChange={(e) => setSetting({ timeoutMs: Number(e.target.value) || 10000 })} />
        </label>
      </details>
      <QueryResult execution={props.execution} onShowInTable={props.onShowInTable} />
    </div>
  );
}

/**
 * Shown on a SQL query whose prepared statements are off: every binding's value is then written
 * into the SQL as text, so whatever a user can type into a bound widget can become SQL.
 */
export function PreparedStatementsOff({ onTurnOn }: { onTurnOn(): void }) {
  return (
    <div className="lc-ed-warning" role="alert" aria-label="SQL injection risk">
      <strong>Prepared statements are off: SQL injection risk.</strong> The value of each {"{{ }}"} is written into the SQL as text, so a
      user who types into a bound widget can change what this query does, within what the datasource's own database user may do. Quote
      strings yourself and keep user input out of it, or{" "}
      <button type="button" onClick={onTurnOn}>
        turn prepared statements on
      </button>
      .
    </div>
  );
}

function rowsOf(body: unknown): Record<string, unknown>[] | null {
  if (!Array.isArray(body) || body.length === 0) return null;
  return body.every((r) => r !== null && typeof r === "object" && !Array.isArray(r)) ? (body as Record<string, unknown>[]) : null;
}

function QueryResult({ execution, onShowInTable }: { execution: Execution | undefined; onShowInTable(): void }) {
  const [tab, setTab] = useState<"table" | "json" | "request">("table");
  if (!execution) return <p className="lc-ed-muted">Run the query to see its response.</p>;
  const rows = rowsOf(execution.body);
  const columns = rows ? [...new Set(rows.slice(0, 200).flatMap((r) => Object.keys(r)))] : [];
  return (
    <section className="lc-ed-result" aria-label="Response">
      <p role="status" className={execution.isExecutionSuccess ? "lc-ed-ok" : "lc-ed-bad"} data-execution={execution.isExecutionSuccess ? "success" : "failure"}>
        {execution.isExecutionSuccess ? "Success" : "Failed"} · status {String(execution.statusCode ?? "-")} · {execution.durationMs ?? "?"} ms
        {rows ? ` · ${rows.length} rows` : ""}
        {rows && (
          <button type="button" onClick={onShowInTable}>
            Show in a Table
          </button>
        )}
      </p>
      {execution.error && (
        <p role="alert" className="lc-ed-bad">
          {execution.error.message} {execution.error.hint ?? ""}
        </p>
      )}
      <div role="tablist">
        {(["table", "json", "request"] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
            {t === "table" ? "Table" : t === "json" ? "JSON" : "Request"}
          </button>
        ))}
      </div>
      {tab === "table" &&
        (rows ? (
          <div className="lc-ed-result__table">
            <table>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, 200).map((r, i) => (
                  <tr key={i}>
                    {columns.map((c) => (
                      <td key={c}>{typeof r[c] === "object" && r[c] !== null ? JSON.stringify(r[c]) : String(r[c] ?? "")}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <pre>{previewOf(execution.body, 5000)}</pre>
        ))}
      {tab === "json" && <pre className="lc-ed-result__json">{previewOf(execution.body, 20000)}</pre>}
      {tab === "request" && <pre>{previewOf(execution.request, 5000)}</pre>}
    </section>
  );
}

/** A GraphQL query: the document (highlighted), its variables as JSON with bindings, and the rest of the schema's fields. */
function GraphqlForm(props: { shared: QueryEditorProps["shared"]; config: Record<string, unknown>; fields: readonly Field[]; complete: QueryEditorProps["complete"]; onChange(config: Record<string, unknown>): void }) {
  const { config } = props;
  const text = (k: string) => (typeof config[k] === "string" ? (config[k] as string) : "");
  const problem = variablesProblem(text("variables"));
  return (
    <div className="lc-ed-graphql">
      <Suspense fallback={<div className="lc-code" />}>
        <span className="lc-ed-muted">Query</span>
        <CodeField label="GraphQL query" language="graphql" minLines={8} value={text("query")} complete={props.complete} placeholder="query Orders($status: String) { orders(status: $status) { id customer } }" onChange={(query) => props.onChange({ ...config, query })} shared={props.shared?.("query")} />
        <span className="lc-ed-muted">Variables (JSON)</span>
        <CodeField
          label="GraphQL variables"
          minLines={3}
          value={text("variables")}
          complete={props.complete}
          placeholder='{"status": {{Select1.selectedOptionValue}}}'
          diagnostics={problem ? [{ message: problem }] : []}
          onChange={(variables) => props.onChange({ ...config, variables })}
          shared={props.shared?.("variables")}
        />
      </Suspense>
      {problem && (
        <p className="lc-ed-prop__error" role="status">
          {problem}
        </p>
      )}
      <SchemaForm fields={props.fields.filter((f) => f.key !== "query" && f.key !== "variables")} value={config} onChange={props.onChange} />
    </div>
  );
}
