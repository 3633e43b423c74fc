/** The table's filter rows: column, condition and value per filter; add, remove, AND/OR. */
import type { Column } from "./columns";
import { addFilter, changeFilter, CONDITIONS, needsValue, removeFilter, type Filter } from "./filters";

export function FilterPanel(props: { name: string; columns: readonly Column[]; filters: readonly Filter[]; onChange: (next: Filter[]) => void }) {
  const { columns, filters, onChange } = props;
  return (
    <div className="lc-table__filters" role="group" aria-label={`${props.name} filters`}>
      {filters.map((f, i) => (
        <div key={i} className="lc-table__filter">
          {i === 0 ? (
            <span className="lc-table__where">Where</span>
          ) : (
            <select aria-label={`Join filter ${i + 1}`} value={f.operator} onChange={(e) => onChange(changeFilter(filters, i, { operator: e.target.value === "OR" ? "OR" : "AND" }))}>
              <option value="AND">and</option>
              <option value="OR">or</option>
            </select>
          )}
          <select aria-label={`Column of filter ${i + 1}`} value={f.column} onChange={(e) => onChange(changeFilter(filters, i, { column: e.target.value }))}>
            {columns.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
          <select aria-label={`Condition of filter ${i + 1}`} value={f.condition} onChange={(e) => onChange(changeFilter(filters, i, { condition: e.target.value }))}>
            {CONDITIONS.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
          {needsValue(f.condition) && (
            <input className="lc-input" aria-label={`Value of filter ${i + 1}`} value={f.value} onChange={(e) => onChange(changeFilter(filters, i, { value: e.target.value }))} />
          )}
          <button type="button" className="lc-table__tool" aria-label={`Remove filter ${i + 1}`} onClick={() => onChange(removeFilter(filters, i))}>
            ×
          </button>
        </div>
      ))}
      <div className="lc-table__filter">
        <button type="button" className="lc-table__tool" disabled={columns.length === 0} onClick={() => onChange(addFilter(filters, columns[0]?.id ?? ""))}>
          Add filter
        </button>
        {filters.length > 0 && (
          <button type="button" className="lc-table__tool" onClick={() => onChange([])}>
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
}
