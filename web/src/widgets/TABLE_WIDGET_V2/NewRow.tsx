/**
 * The row a user is adding (`allowAddNewRow`): one input per editable column, typed by the
 * column, filled from `defaultNewRow`; the values go to the `newRow` meta value as they are typed,
 * so `onAddNewRowSave` reads them from `Table1.newRow`.
 */
import { cellText, rowSetting, type Column, type Row } from "./columns";

function NewCell({ column, value, onChange }: { column: Column; value: unknown; onChange(value: unknown): void }) {
  const label = `New ${column.label}`;
  if (column.type === "checkbox" || column.type === "switch") {
    return <input type="checkbox" role={column.type === "switch" ? "switch" : undefined} aria-label={label} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  }
  if (column.type === "select") {
    const raw = column.config["allowSameOptionsInNewRow"] === false ? column.config["newRowSelectOptions"] : rowSetting(column, "selectOptions", 0);
    const options = (Array.isArray(raw) ? raw : []).filter((o): o is { label: unknown; value: unknown } => typeof o === "object" && o !== null && "value" in o);
    const at = options.findIndex((o) => o.value === value);
    return (
      <select className="lc-table__select" aria-label={label} value={at >= 0 ? String(at) : ""} onChange={(e) => onChange(options[Number(e.target.value)]?.value)}>
        <option value="" disabled>
          {cellText(column.config["placeholderText"]) || "Select"}
        </option>
        {options.map((o, i) => (
          <option key={i} value={String(i)}>
            {cellText(o.label)}
          </option>
        ))}
      </select>
    );
  }
  const numeric = column.type === "number" || column.type === "currency";
  return (
    <input
      className="lc-table__editor"
      aria-label={label}
      type={numeric ? "number" : column.type === "date" ? "date" : "text"}
      value={cellText(value)}
      onChange={(e) => onChange(numeric ? (e.target.value.trim() === "" ? null : Number(e.target.value)) : e.target.value)}
    />
  );
}

export function NewRow({ columns, row, multi, onChange }: { columns: readonly Column[]; row: Row; multi: boolean; onChange(row: Row): void }) {
  return (
    <tr className="lc-table__new-row" aria-label="New row">
      {multi && <td className="lc-table__check" />}
      {columns.map((c) => (
        <td key={c.id}>{c.editable ? <NewCell column={c} value={row[c.id]} onChange={(value) => onChange({ ...row, [c.id]: value })} /> : null}</td>
      ))}
    </tr>
  );
}
