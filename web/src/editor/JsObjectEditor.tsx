/** A JS object: its code (JavaScript highlighting, autocomplete, errors), and running one of its functions. */
import { lazy, Suspense, useEffect, useState } from "react";

import type { EvaluationError } from "../engine/host";
import type { JsFunctionSettings } from "../engine/page";
import { isWorkflow } from "../runtime/serverCalls";
import type { CompletionResult } from "./completions";
import type { JsChanges, JsObjectRecord } from "./editorApi";
import { previewOf } from "./preview";
import type { SharedText } from "./useCoEditing";

const CodeField = lazy(() => import("./CodeField"));
const WorkflowPanel = lazy(() => import("./WorkflowPanel"));

export interface JsRun {
  readonly fn: string;
  readonly ok: boolean;
  readonly value: unknown;
}

export default function JsObjectEditor(props: {
  js: JsObjectRecord;
  /** The application, for a workflow's Runs and Triggers. */
  appId?: string | undefined;
  functions: readonly string[];
  errors: readonly EvaluationError[];
  complete: (textBefore: string) => CompletionResult | null;
  lastRun: JsRun | undefined;
  logs: readonly string[];
  /** The body changed, or the functions' settings (all of them, as stored). */
  onChange(changes: JsChanges): void;
  onRename(name: string): void;
  onRun(fn: string): void;
  onDelete(): void;
  /** Co-editing: the body's shared text. */
  shared?: SharedText | undefined;
}) {
  const [name, setName] = useState(props.js.name);
  useEffect(() => setName(props.js.name), [props.js.name]);
  const [fn, setFn] = useState(props.functions[0] ?? "");
  useEffect(() => {
    if (!props.functions.includes(fn)) setFn(props.functions[0] ?? "");
  }, [props.functions, fn]);
  const settings = props.js.settings ?? {};
  const own = settings[fn] ?? {};
  const setSetting = (key: keyof JsFunctionSettings, on: boolean): void => {
    const next = { ...own, [key]: on };
    const rest = Object.fromEntries(Object.entries(settings).filter(([name]) => name !== fn));
    props.onChange({ settings: next.runOnPageLoad || next.confirmBeforeRun ? { ...rest, [fn]: next } : rest });
  };
  return (
    <div className="lc-ed-doc" aria-label="JS object editor">
      <header className="lc-ed-doc__head">
        <input
          className="lc-ed-pane__name"
          aria-label="JS object name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => (name.trim() && name !== props.js.name ? props.onRename(name.trim()) : setName(props.js.name))}
          onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()}
        />
        <select aria-label="Function to run" value={fn} onChange={(e) => setFn(e.target.value)}>
          {props.functions.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
        <button type="button" className="lc-ed-primary" disabled={fn === ""} onClick={() => props.onRun(fn)}>
          Run
        </button>
        <button type="button" onClick={props.onDelete}>
          Delete
        </button>
      </header>
      {fn !== "" && (
        <fieldset className="lc-ed-js-settings" aria-label={`Settings of ${fn}`}>
          <label>
            <input type="checkbox" checked={own.runOnPageLoad === true} onChange={(e) => setSetting("runOnPageLoad", e.target.checked)} /> Run {fn} on page load
          </label>
          <label>
            <input type="checkbox" checked={own.confirmBeforeRun === true} onChange={(e) => setSetting("confirmBeforeRun", e.target.checked)} /> Confirm before calling {fn}
          </label>
        </fieldset>
      )}
      <Suspense fallback={<div className="lc-code" />}>
        <CodeField label="JS object" language="js" minLines={12} value={props.js.body} shared={props.shared} complete={props.complete} diagnostics={props.errors.map((e) => ({ message: e.message }))} onChange={(body) => props.onChange({ body })} />
      </Suspense>
      {props.errors.map((e, i) => (
        <p key={i} className="lc-ed-bad" role="status">
          {e.message}
        </p>
      ))}
      {props.lastRun && (
        <section aria-label="Result">
          <h3>
            {props.lastRun.fn}() {props.lastRun.ok ? "returned" : "failed"}
          </h3>
          <pre data-js-result>{previewOf(props.lastRun.value, 5000)}</pre>
        </section>
      )}
      {props.appId && isWorkflow(props.js.body) && (
        <Suspense fallback={null}>
          <WorkflowPanel appId={props.appId} workflowId={props.js.id} name={props.js.name} />
        </Suspense>
      )}
      {props.logs.length > 0 && (
        <section aria-label="Console">
          <h3>Console</h3>
          <pre>{props.logs.join("\n")}</pre>
        </section>
      )}
    </div>
  );
}
