/**
 * The property pane of the selected widget, generated from its manifest: its name (renames go
 * through the server's refactor), sections of typed controls with a JS toggle to a binding editor
 * that shows the evaluated value and errors, and events with the action picker. While co-editing,
 * a code field holding text types into its property's shared text (bindingTexts.ts).
 */
import { lazy, Suspense, useEffect, useMemo, useState, type ReactElement } from "react";

import type { EvaluationError } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import { editorHints } from "../widgets/editorHints";
import { useBindingText } from "./bindingTexts";
import { columnsEditable, optionKeys, optionRows, seriesRows } from "./collections";
import { ColumnsEditor, OptionsEditor, SeriesEditor } from "./CollectionEditors";
import type { CompletionResult } from "./completions";
import { codeToSteps, STEP_LABELS, stepsToCode, type Step } from "./eventCode";
import { IconPicker } from "./Pickers";
import { previewOf } from "./preview";
import { codeText, eventControls, needsCode, paneSections, searchControls, valueFromCode, type Control } from "./propertyModel";
import { idOf, type Widget } from "./tree";

const CodeField = lazy(() => import("./CodeField"));

export interface PickerChoices {
  readonly queries: readonly string[];
  readonly modals: readonly string[];
  readonly pages: readonly string[];
  readonly jsFunctions: readonly string[];
  /** The application's workflows, for "Trigger workflow". */
  readonly workflows?: readonly string[];
}

export interface PropertyPaneProps {
  readonly widget: Widget;
  readonly manifest: WidgetManifest | undefined;
  readonly values: Readonly<Record<string, unknown>>;
  readonly errors: Readonly<Record<string, readonly EvaluationError[]>>;
  readonly complete: (textBefore: string) => CompletionResult | null;
  readonly choices: PickerChoices;
  readonly diagnostics: readonly { readonly property?: string; readonly message: string }[];
  onChange(name: string, value: unknown): void;
  /** Several properties changed by one edit (one undo step): a table's columns and their order. */
  onChangeMany(changes: Record<string, unknown>): void;
  onRename(name: string): void;
}

export default function PropertyPane(props: PropertyPaneProps) {
  const { widget, manifest } = props;
  const [query, setQuery] = useState("");
  const [name, setName] = useState(widget.widgetName);
  useEffect(() => setName(widget.widgetName), [widget.widgetName]);
  const sections = useMemo(() => (manifest ? searchControls(paneSections(manifest, editorHints(manifest.type)), query) : []), [manifest, query]);
  const events = manifest ? eventControls(manifest) : [];
  const commitName = () => {
    if (name.trim() !== "" && name !== widget.widgetName) props.onRename(name.trim());
    else setName(widget.widgetName);
  };
  return (
    <aside className="lc-ed-pane" aria-label="Properties">
      <header>
        <input
          className="lc-ed-pane__name"
          aria-label="Widget name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onBlur={commitName}
          onKeyDown={(e) => {
            if (e.key === "Enter") (e.target as HTMLInputElement).blur();
            if (e.key === "Escape") setName(widget.widgetName);
          }}
        />
        <span className="lc-ed-muted">{manifest?.displayName ?? widget.type}</span>
      </header>
      <input type="search" placeholder="Search properties" aria-label="Search properties" value={query} onChange={(e) => setQuery(e.target.value)} />
      {sections.map((s) => (
        <section key={s.id} className="lc-ed-pane__section">
          <h3>{s.title}</h3>
          {s.controls.map((c) => (
            <PropertyControl key={`${widget.widgetId}.${c.name}`} {...props} control={c} />
          ))}
        </section>
      ))}
      {events.length > 0 && query === "" && (
        <section className="lc-ed-pane__section">
          <h3>Events</h3>
          {events.map((ev) => (
            <EventField
              key={`${widget.widgetId}.${ev.name}`}
              widgetId={idOf(widget)}
              name={ev.name}
              raw={widget[ev.name]}
              label={ev.label}
              help={ev.help}
              value={typeof widget[ev.name] === "string" ? (widget[ev.name] as string) : ""}
              choices={props.choices}
              complete={props.complete}
              onChange={(code) => props.onChange(ev.name, code === "" ? undefined : code)}
            />
          ))}
        </section>
      )}
    </aside>
  );
}

function PropertyControl(props: PropertyPaneProps & { control: Control }) {
  const { control, widget } = props;
  const raw = widget[control.name];
  const value = raw === undefined ? control.default : raw;
  const codeAlways = control.kind === "text" || control.kind === "json";
  const [js, setJs] = useState(() => codeAlways || needsCode(control, raw) || typedEditor(props) === null);
  const errors = props.errors[`${widget.widgetName}.${control.name}`] ?? [];
  const lint = props.diagnostics.filter((d) => d.property === control.name);
  const typed = typedEditor(props);
  const showCode = codeAlways || js || typed === null;
  const binding = useBindingText(idOf(widget), control.name, showCode && holdsText(raw));
  return (
    <div className="lc-ed-prop" data-property={control.name}>
      <div className="lc-ed-prop__head">
        <label title={control.help}>{control.label}</label>
        {control.bindable && !codeAlways && (
          <button
            type="button"
            className={`lc-ed-js${js ? " lc-ed-js--on" : ""}`}
            aria-pressed={js}
            aria-label={`JS ${control.label}`}
            onClick={() => {
              // Back from JS to a control that cannot show the code: start over from the default.
              if (js && (needsCode(control, raw) || typed === null)) props.onChange(control.name, undefined);
              setJs(!js);
            }}
          >
            JS
          </button>
        )}
      </div>
      {showCode ? (
        <Suspense fallback={<div className="lc-code" />}>
          <CodeField
            label={control.label}
            value={codeText(value)}
            complete={props.complete}
            diagnostics={[...errors.filter((e) => e.kind === "syntax"), ...lint].map((e) => ({ message: e.message }))}
            shared={binding.shared}
            onFocus={binding.focus}
            onBlur={binding.blur}
            onChange={(text) => {
              const next = valueFromCode(control, text);
              // A shared text holds the value already (empty: no value); JSON typed in replaces it.
              if (!binding.shared || (next !== text && next !== undefined)) props.onChange(control.name, next);
            }}
          />
        </Suspense>
      ) : (
        (typed ?? <TypedInput control={control} value={value} onChange={(v) => props.onChange(control.name, v)} />)
      )}
      {showCode && (typeof raw === "string" && raw.includes("{{") ? true : false) && (
        <pre className="lc-ed-prop__value" data-evaluated={control.name}>
          {previewOf(props.values[control.name])}
        </pre>
      )}
      {[...errors, ...lint].map((e, i) => (
        <p key={i} className="lc-ed-prop__error" role="status">
          {e.message}
        </p>
      ))}
    </div>
  );
}

/** A value a code field types into as it is: a string, or none yet (an empty string once typed in). */
function holdsText(raw: unknown): boolean {
  return raw === undefined || (typeof raw === "string" && raw !== "");
}

/**
 * The typed editor of a structured property (columns, options, series), undefined for a simple
 * control, or null when the stored value is one the editor cannot show (a binding, an odd shape).
 */
function typedEditor(props: PropertyPaneProps & { control: Control }): ReactElement | null | undefined {
  const { control, widget } = props;
  const raw = widget[control.name];
  const value = raw === undefined ? control.default : raw;
  switch (control.kind) {
    case "columns": {
      if (!columnsEditable(raw, widget["columnOrder"])) return null;
      const data = props.values["tableData"];
      const first = Array.isArray(data) ? (data as unknown[]).find((r) => typeof r === "object" && r !== null) : undefined;
      return (
        <ColumnsEditor
          primaryColumns={raw}
          columnOrder={widget["columnOrder"]}
          dataKeys={first ? Object.keys(first) : []}
          complete={props.complete}
          onChange={(changes) => props.onChangeMany(changes)}
        />
      );
    }
    case "options": {
      const defaults = (name: string, fallback: string) => {
        const d = props.manifest?.properties.find((p) => p.name === name)?.default;
        return typeof d === "string" ? d : fallback;
      };
      const keys = optionKeys(widget, { label: defaults("optionLabel", "label"), value: defaults("optionValue", "value") });
      const rows = optionRows(value, keys.label, keys.value);
      if (rows === null) return null;
      return <OptionsEditor items={value} rows={rows} labelKey={keys.label} valueKey={keys.value} onChange={(items) => props.onChange(control.name, items)} />;
    }
    case "series":
      if (seriesRows(value) === null) return null;
      return <SeriesEditor chartData={value} complete={props.complete} onChange={(v) => props.onChange(control.name, v)} />;
    default:
      return undefined;
  }
}

function TypedInput({ control, value, onChange }: { control: Control; value: unknown; onChange(v: unknown): void }) {
  switch (control.kind) {
    case "switch":
      return <input type="checkbox" aria-label={control.label} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case "number":
      return (
        <input
          type="number"
          aria-label={control.label}
          value={typeof value === "number" ? value : ""}
          onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
        />
      );
    case "dropdown":
      return (
        <select aria-label={control.label} value={String(value ?? "")} onChange={(e) => onChange(control.options.find((o) => String(o) === e.target.value))}>
          {control.options.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
    case "color":
      return (
        <span className="lc-ed-color">
          <input type="color" aria-label={`${control.label} picker`} value={/^#[0-9a-f]{6}$/i.test(String(value)) ? String(value) : "#000000"} onChange={(e) => onChange(e.target.value)} />
          <input type="text" aria-label={control.label} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} />
        </span>
      );
    case "icon":
      return <IconPicker label={control.label} value={typeof value === "string" ? value : ""} onChange={onChange} />;
    default:
      return <input type="text" aria-label={control.label} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || undefined)} />;
  }
}

const DEFAULT_STEP: Record<Step["kind"], (c: PickerChoices) => Step> = {
  runQuery: (c) => ({ kind: "runQuery", name: c.queries[0] ?? "" }),
  showAlert: () => ({ kind: "showAlert", message: "Done", style: "success" }),
  navigateTo: (c) => ({ kind: "navigateTo", page: c.pages[0] ?? "" }),
  showModal: (c) => ({ kind: "showModal", name: c.modals[0] ?? "" }),
  closeModal: (c) => ({ kind: "closeModal", name: c.modals[0] ?? "" }),
  storeValue: () => ({ kind: "storeValue", key: "key", value: "''" }),
  runJs: (c) => {
    const [object = "", fn = ""] = (c.jsFunctions[0] ?? ".").split(".");
    return { kind: "runJs", object, fn };
  },
  triggerWorkflow: (c) => ({ kind: "triggerWorkflow", workflow: c.workflows?.[0] ?? "", data: "", wait: true }),
};

function EventField(props: {
  widgetId: string;
  name: string;
  raw: unknown;
  label: string;
  help: string;
  value: string;
  choices: PickerChoices;
  complete: (textBefore: string) => CompletionResult | null;
  onChange(code: string): void;
}) {
  const steps = codeToSteps(props.value);
  const [js, setJs] = useState(steps === null);
  const list = steps ?? [];
  const update = (next: Step[]) => props.onChange(stepsToCode(next));
  const binding = useBindingText(props.widgetId, props.name, js && holdsText(props.raw));
  return (
    <div className="lc-ed-prop lc-ed-event" data-event={props.label}>
      <div className="lc-ed-prop__head">
        <label title={props.help}>{props.label}</label>
        <button
          type="button"
          className={`lc-ed-js${js ? " lc-ed-js--on" : ""}`}
          aria-pressed={js}
          aria-label={`JS ${props.label}`}
          onClick={() => setJs(!js || steps === null)}
        >
          JS
        </button>
      </div>
      {js ? (
        <Suspense fallback={<div className="lc-code" />}>
          <CodeField
            label={props.label}
            value={props.value}
            complete={props.complete}
            placeholder="{{ getOrders.run() }}"
            shared={binding.shared}
            onFocus={binding.focus}
            onBlur={binding.blur}
            onChange={(code) => {
              if (!binding.shared) props.onChange(code);
            }}
          />
        </Suspense>
      ) : (
        <>
          {list.map((step, i) => (
            <StepEditor
              key={i}
              step={step}
              choices={props.choices}
              onChange={(s) => update(list.map((x, j) => (j === i ? s : x)))}
              onRemove={() => update(list.filter((_, j) => j !== i))}
            />
          ))}
          <select
            aria-label={`Add action to ${props.label}`}
            value=""
            onChange={(e) => {
              const kind = e.target.value as Step["kind"];
              if (kind) update([...list, DEFAULT_STEP[kind](props.choices)]);
            }}
          >
            <option value="">{list.length === 0 ? "+ Add an action" : "+ Then…"}</option>
            {Object.entries(STEP_LABELS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </>
      )}
    </div>
  );
}

function Choice(props: { label: string; value: string; options: readonly string[]; onChange(v: string): void }) {
  const options = props.options.includes(props.value) || props.value === "" ? props.options : [props.value, ...props.options];
  return (
    <select aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}

function StepEditor(props: { step: Step; choices: PickerChoices; onChange(s: Step): void; onRemove(): void }) {
  const { step, choices } = props;
  let body;
  switch (step.kind) {
    case "runQuery":
      body = <Choice label="Query" value={step.name} options={choices.queries} onChange={(name) => props.onChange({ ...step, name })} />;
      break;
    case "showAlert":
      body = (
        <>
          <input aria-label="Alert message" value={step.message} onChange={(e) => props.onChange({ ...step, message: e.target.value })} />
          <Choice label="Alert style" value={step.style} options={["info", "success", "warning", "error"]} onChange={(style) => props.onChange({ ...step, style: style as typeof step.style })} />
        </>
      );
      break;
    case "navigateTo":
      body = <Choice label="Page" value={step.page} options={choices.pages} onChange={(page) => props.onChange({ ...step, page })} />;
      break;
    case "showModal":
    case "closeModal":
      body = <Choice label="Modal" value={step.name} options={choices.modals} onChange={(name) => props.onChange({ ...step, name })} />;
      break;
    case "storeValue":
      body = (
        <>
          <input aria-label="Store key" value={step.key} onChange={(e) => props.onChange({ ...step, key: e.target.value })} />
          <input aria-label="Store value (JS expression)" value={step.value} onChange={(e) => props.onChange({ ...step, value: e.target.value })} />
        </>
      );
      break;
    case "runJs":
      body = (
        <Choice
          label="JS function"
          value={`${step.object}.${step.fn}`}
          options={choices.jsFunctions}
          onChange={(v) => {
            const [object = "", fn = ""] = v.split(".");
            props.onChange({ ...step, object, fn });
          }}
        />
      );
      break;
    case "triggerWorkflow":
      body = (
        <>
          <Choice label="Workflow" value={step.workflow} options={choices.workflows ?? []} onChange={(workflow) => props.onChange({ ...step, workflow })} />
          <input aria-label="Workflow input (JS expression)" placeholder="{ orderId: Table1.selectedRow.id }" value={step.data} onChange={(e) => props.onChange({ ...step, data: e.target.value })} />
          <label>
            <input type="checkbox" aria-label="Wait for the result" checked={step.wait} onChange={(e) => props.onChange({ ...step, wait: e.target.checked })} /> Wait for the result
          </label>
        </>
      );
      break;
  }
  return (
    <div className="lc-ed-step" data-step={step.kind}>
      <strong>{STEP_LABELS[step.kind]}</strong>
      {body}
      <button type="button" aria-label="Remove action" onClick={props.onRemove}>
        ×
      </button>
    </div>
  );
}
