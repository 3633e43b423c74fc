/** A form generated from a JSON schema's fields (schemaForm.ts): datasource connections, REST queries. */
import { MASK } from "./environments";
import { getPath, setPath, type Field } from "./schemaForm";

export interface SchemaFormProps {
  readonly fields: readonly Field[];
  readonly value: Record<string, unknown>;
  onChange(value: Record<string, unknown>): void;
}

export default function SchemaForm(props: SchemaFormProps) {
  return (
    <div className="lc-ed-form">
      {props.fields.map((f) => (
        <FieldInput key={f.path} field={f} {...props} />
      ))}
    </div>
  );
}

function FieldInput(props: SchemaFormProps & { field: Field }) {
  const { field, value } = props;
  const current = getPath(value, field.path);
  const set = (v: unknown) => props.onChange(setPath(value, field.path, v));
  const id = `field-${field.path}`;
  switch (field.kind) {
    case "group":
      return (
        <fieldset>
          <legend>{field.label}</legend>
          {field.fields.map((f) => (
            <FieldInput key={f.path} {...props} field={f} />
          ))}
        </fieldset>
      );
    case "list": {
      const items = Array.isArray(current) ? (current as Record<string, unknown>[]) : [];
      return (
        <fieldset data-field={field.path}>
          <legend>{field.label}</legend>
          {items.map((item, i) => (
            <div key={i} className="lc-ed-form__row">
              {field.itemFields.map((f) => (
                <input
                  key={f.key}
                  aria-label={`${field.label} ${i + 1} ${f.label}`}
                  placeholder={f.label}
                  value={typeof item[f.key] === "string" ? (item[f.key] as string) : ""}
                  onChange={(e) => set(items.map((x, j) => (j === i ? { ...x, [f.key]: e.target.value } : x)))}
                />
              ))}
              <button type="button" aria-label={`Remove ${field.label} ${i + 1}`} onClick={() => set(items.filter((_, j) => j !== i))}>
                ×
              </button>
            </div>
          ))}
          <button type="button" onClick={() => set([...items, Object.fromEntries(field.itemFields.map((f) => [f.key, ""]))])}>
            + {field.label}
          </button>
        </fieldset>
      );
    }
    case "switch":
      return (
        <label className="lc-ed-form__check">
          <input type="checkbox" checked={current === true} onChange={(e) => set(e.target.checked)} /> {field.label}
        </label>
      );
    case "select":
      return (
        <label htmlFor={id}>
          {field.label}
          <select id={id} value={String(current ?? field.default ?? "")} onChange={(e) => set(e.target.value)}>
            {field.options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
      );
    case "number":
      return (
        <label htmlFor={id}>
          {field.label}
          <input id={id} type="number" value={typeof current === "number" ? current : ""} onChange={(e) => set(e.target.value === "" ? undefined : Number(e.target.value))} />
        </label>
      );
    case "json":
      return (
        <label htmlFor={id}>
          {field.label}
          <textarea
            id={id}
            defaultValue={current === undefined ? "" : JSON.stringify(current)}
            onBlur={(e) => {
              try {
                set(e.target.value.trim() === "" ? undefined : (JSON.parse(e.target.value) as unknown));
              } catch {
                set(e.target.value);
              }
            }}
          />
        </label>
      );
    default:
      return (
        <label htmlFor={id} title={field.description}>
          {field.label}
          <input
            id={id}
            type={field.kind === "password" ? "password" : "text"}
            value={typeof current === "string" ? current : ""}
            onChange={(e) => set(e.target.value)}
          />
          {field.kind === "password" && current === MASK && <span className="lc-ed-muted"> stored (kept unless you type a new one)</span>}
        </label>
      );
  }
}
