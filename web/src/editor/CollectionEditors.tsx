/**
 * Typed editors of structured properties (logic in collections.ts): a table's columns, a
 * select's options and a chart's series. The property pane puts a JS toggle above each, as for
 * every other control.
 */
import { lazy, Suspense, useState } from "react";

import type { CompletionResult } from "./completions";
import {
  addComputedColumn,
  addSeries,
  COLUMN_TYPES,
  columnRows,
  columnSettings,
  moveColumn,
  removeColumn,
  removeSeries,
  seriesRows,
  setColumn,
  setEditable,
  setSeries,
  settingValue,
  withOptions,
  type OptionRow,
} from "./collections";

const CodeField = lazy(() => import("./CodeField"));

type Complete = (textBefore: string) => CompletionResult | null;

function Code(props: { label: string; value: string; complete: Complete; placeholder?: string; onChange(text: string): void }) {
  return (
    <Suspense fallback={<div className="lc-code" />}>
      <CodeField label={props.label} value={props.value} complete={props.complete} placeholder={props.placeholder ?? ""} onChange={props.onChange} />
    </Suspense>
  );
}

export function ColumnsEditor(props: {
  primaryColumns: unknown;
  columnOrder: unknown;
  dataKeys: readonly string[];
  complete: Complete;
  onChange(changes: { primaryColumns?: unknown; columnOrder?: unknown }): void;
}) {
  const rows = columnRows(props.primaryColumns, props.columnOrder, props.dataKeys);
  const ids = rows.map((r) => r.id);
  const [open, setOpen] = useState<string | null>(null);
  const [dragged, setDragged] = useState<number | null>(null);
  const move = (from: number, to: number) => props.onChange({ columnOrder: moveColumn(ids, from, to) });
  return (
    <div className="lc-ed-collection" data-editor="columns">
      {rows.length === 0 && <p className="lc-ed-muted">Columns appear once the table has data.</p>}
      <ol className="lc-ed-collection__list">
        {rows.map((c, i) => (
          <li
            key={c.id}
            data-column={c.id}
            draggable
            className={dragged === i ? "lc-ed-collection__row--dragging" : undefined}
            onDragStart={(e) => {
              setDragged(i);
              e.dataTransfer.effectAllowed = "move";
              e.dataTransfer.setData("text/plain", c.id);
            }}
            onDragOver={(e) => dragged !== null && e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              if (dragged !== null) move(dragged, i);
              setDragged(null);
            }}
            onDragEnd={() => setDragged(null)}
          >
            <div className="lc-ed-collection__row">
              <span className="lc-ed-collection__grip" aria-hidden="true">
                ⠿
              </span>
              <input
                type="checkbox"
                aria-label={`Show column ${c.id}`}
                checked={c.isVisible}
                onChange={(e) => props.onChange({ primaryColumns: setColumn(props.primaryColumns, c.id, { isVisible: e.target.checked }) })}
              />
              <button type="button" className="lc-ed-collection__name" aria-expanded={open === c.id} onClick={() => setOpen(open === c.id ? null : c.id)}>
                {c.label}
                {c.label !== c.id && <span className="lc-ed-muted"> ({c.id})</span>}
              </button>
              <button type="button" className="lc-ed-icon" aria-label={`Move column ${c.id} up`} disabled={i === 0} onClick={() => move(i, i - 1)}>
                ↑
              </button>
              <button type="button" className="lc-ed-icon" aria-label={`Move column ${c.id} down`} disabled={i === rows.length - 1} onClick={() => move(i, i + 1)}>
                ↓
              </button>
            </div>
            {open === c.id && (
              <div className="lc-ed-collection__detail">
                <label>
                  Label
                  <input aria-label={`Column ${c.id} label`} value={c.label} onChange={(e) => props.onChange({ primaryColumns: setColumn(props.primaryColumns, c.id, { label: e.target.value }) })} />
                </label>
                <label>
                  Type
                  <select aria-label={`Column ${c.id} type`} value={c.columnType} onChange={(e) => props.onChange({ primaryColumns: setColumn(props.primaryColumns, c.id, { columnType: e.target.value }) })}>
                    {COLUMN_TYPES.map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                  </select>
                </label>
                <div className="lc-ed-collection__code" data-column-property="computedValue">
                  <span>Computed value</span>
                  <Code
                    label={`Column ${c.id} computed value`}
                    value={c.computedValue}
                    complete={props.complete}
                    placeholder="{{currentRow.first + ' ' + currentRow.last}}"
                    onChange={(text) => props.onChange({ primaryColumns: setColumn(props.primaryColumns, c.id, { computedValue: text }) })}
                  />
                </div>
                {columnSettings(c).map((setting) =>
                  setting.kind === "check" ? (
                    <label key={setting.key}>
                      <input
                        type="checkbox"
                        aria-label={`Column ${c.id} ${setting.label.toLowerCase()}`}
                        checked={c.config[setting.key] === true}
                        onChange={(e) =>
                          props.onChange(
                            setting.key === "isEditable"
                              ? setEditable(props.primaryColumns, ids, c.id, e.target.checked)
                              : { primaryColumns: setColumn(props.primaryColumns, c.id, { [setting.key]: e.target.checked }) },
                          )
                        }
                      />{" "}
                      {setting.label}
                    </label>
                  ) : (
                    <div key={setting.key} className="lc-ed-collection__code" data-column-property={setting.key}>
                      <span>{setting.label}</span>
                      <Code
                        label={`Column ${c.id} ${setting.label.toLowerCase()}`}
                        value={typeof c.config[setting.key] === "string" ? (c.config[setting.key] as string) : c.config[setting.key] === undefined ? "" : JSON.stringify(c.config[setting.key])}
                        complete={props.complete}
                        placeholder={setting.placeholder}
                        onChange={(text) => props.onChange({ primaryColumns: setColumn(props.primaryColumns, c.id, { [setting.key]: settingValue(setting, text) }) })}
                      />
                    </div>
                  ),
                )}
                {c.isDerived && (
                  <button type="button" onClick={() => props.onChange(removeColumn(props.primaryColumns, ids, c.id))}>
                    Remove column
                  </button>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
      <button
        type="button"
        onClick={() => {
          const added = addComputedColumn(props.primaryColumns, ids);
          props.onChange({ primaryColumns: added.primaryColumns, columnOrder: added.columnOrder });
          setOpen(added.id);
        }}
      >
        + Computed column
      </button>
    </div>
  );
}

export function OptionsEditor(props: { items: unknown; rows: readonly OptionRow[]; labelKey: string; valueKey: string; onChange(items: unknown): void }) {
  const { rows } = props;
  const write = (next: readonly OptionRow[]) => props.onChange(withOptions(props.items, next, props.labelKey, props.valueKey));
  return (
    <div className="lc-ed-collection" data-editor="options">
      {rows.map((r, i) => (
        <div key={i} className="lc-ed-collection__row" data-option={i + 1}>
          <input aria-label={`Option ${i + 1} label`} placeholder="Label" value={r.label} onChange={(e) => write(rows.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))} />
          <input aria-label={`Option ${i + 1} value`} placeholder="Value" value={r.value} onChange={(e) => write(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
          <button type="button" className="lc-ed-icon" aria-label={`Remove option ${i + 1}`} onClick={() => write(rows.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" onClick={() => write([...rows, { label: `Option ${rows.length + 1}`, value: `OPTION_${rows.length + 1}` }])}>
        + Option
      </button>
    </div>
  );
}

export function SeriesEditor(props: { chartData: unknown; complete: Complete; onChange(chartData: unknown): void }) {
  const rows = seriesRows(props.chartData) ?? [];
  return (
    <div className="lc-ed-collection" data-editor="series">
      {rows.map((s) => (
        <fieldset key={s.id} className="lc-ed-collection__detail" data-series={s.id}>
          <legend>{s.seriesName || s.id}</legend>
          <label>
            Series name
            <input aria-label={`Series ${s.id} name`} value={s.seriesName} onChange={(e) => props.onChange(setSeries(props.chartData, s.id, { seriesName: e.target.value }))} />
          </label>
          <label className="lc-ed-color">
            Colour
            <input type="color" aria-label={`Series ${s.id} colour picker`} value={/^#[0-9a-f]{6}$/i.test(s.color) ? s.color : "#553de9"} onChange={(e) => props.onChange(setSeries(props.chartData, s.id, { color: e.target.value }))} />
            <input aria-label={`Series ${s.id} colour`} value={s.color} placeholder="theme colour" onChange={(e) => props.onChange(setSeries(props.chartData, s.id, { color: e.target.value }))} />
          </label>
          <div className="lc-ed-collection__code" data-series-property="data">
            <span>Data</span>
            <Code
              label={`Series ${s.id} data`}
              value={s.data}
              complete={props.complete}
              placeholder="{{getSales.data.map(r => ({ x: r.day, y: r.total }))}}"
              onChange={(text) => props.onChange(setSeries(props.chartData, s.id, { data: text }))}
            />
          </div>
          <button type="button" onClick={() => props.onChange(removeSeries(props.chartData, s.id))}>
            Remove series
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={() => props.onChange(addSeries(props.chartData).chartData)}>
        + Series
      </button>
    </div>
  );
}
