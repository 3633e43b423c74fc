/**
 * TABLE_WIDGET_V2: rows from data with configurable columns; client-side search, sort and
 * pagination (or server-side, through events and pageNo/pageSize/searchText/sortOrder); single or
 * multi-row selection; inline edits collected in updatedRows; CSV download; long pages render only
 * the rows in view.
 */
import { useEffect, useMemo, useRef, useState } from "react";

import { saveFile } from "../../ui/download";
import { arr, num, str, type WidgetProps } from "../types";
import { Cell } from "./Cell";
import { cellEditable, cellStyle, cellValue, columnsInView, frozenColumns, ORIGINAL_INDEX, tableColumns, type Row } from "./columns";
import { filterableColumns, type Filter } from "./filters";
import { toCsv } from "./csv";
import { FilterPanel } from "./FilterPanel";
import { NewRow } from "./NewRow";
import { pageSizeOf } from "./pageSize";
import { rowHeightOf, rowWindow, VIRTUALISE_FROM } from "./virtual";

/**
 * Local changes (ticks, edits) go to the engine in the worker and come back a moment later; a
 * second click before then must build on the first, not on the value the page still shows. The
 * ref holds the latest value and follows the engine's whenever that changes.
 */
function usePending<T>(fromEngine: unknown, derive: () => T): { current: T } {
  const ref = useRef<{ source: unknown; value: T } | null>(null);
  if (ref.current === null || ref.current.source !== fromEngine) ref.current = { source: fromEngine, value: derive() };
  const holder = ref.current;
  return {
    get current() {
      return holder.value;
    },
    set current(value: T) {
      holder.value = value;
    },
  };
}

export default function Table({ name, values, onMeta, onEvent }: WidgetProps) {
  const rows = arr(values["filteredTableData"]) as Row[];
  const columns = useMemo(() => columnsInView(tableColumns(values)), [values]);
  const serverSide = values["serverSidePaginationEnabled"] === true;
  const paginated = values["isVisiblePagination"] !== false;
  const metaPageSize = values["pageSize"];
  // Follows the developer's size or the widget's height; the meta value only reports it.
  const ownPageSize = pageSizeOf(values);
  const pageSize = ownPageSize ?? (typeof metaPageSize === "number" && metaPageSize > 0 ? metaPageSize : 10);
  const total = serverSide ? num(values["totalRecordsCount"]) : rows.length;
  const pageCount = total > 0 ? Math.ceil(total / pageSize) : 0;
  const pageNo = Math.max(1, num(values["pageNo"], 1));
  const shown = serverSide || !paginated ? rows : rows.slice((pageNo - 1) * pageSize, pageNo * pageSize);
  const multi = values["multiRowSelection"] === true;
  // Frozen columns start after the selection checkboxes (36 px) when there are any.
  const frozen = useMemo(() => frozenColumns(columns, multi ? 36 : 0), [columns, multi]);
  const selected = num(values["selectedRowIndex"], -1);
  const selectedSet = new Set(arr(values["selectedRowIndices"]).filter((i): i is number => typeof i === "number"));
  const sort = (values["sortOrder"] ?? {}) as { column?: string; order?: string | null };
  const edits = (values["transientTableData"] ?? {}) as Record<string, Row>;
  const rowHeight = rowHeightOf(values["compactMode"]);
  const virtual = shown.length >= VIRTUALISE_FROM;
  const scroller = useRef<HTMLDivElement>(null);
  const pendingSelection = usePending(values["selectedRowIndices"], () => selectedSet);
  const pendingEdits = usePending(values["transientTableData"], () => edits);
  const adding = values["isAddRowInProgress"] === true;
  const newRow = (values["newRow"] ?? {}) as Row;
  const pendingNewRow = usePending(values["newRow"], () => newRow);
  // A save's edits are dropped when its handler finishes, by which time the page has moved on.
  const latestEdits = useRef(pendingEdits);
  latestEdits.current = pendingEdits;
  const [view, setView] = useState({ top: 0, height: 600 });
  const [filtersOpen, setFiltersOpen] = useState(false);
  const filters = arr(values["filters"]) as Filter[];

  // Tell bindings the page size the table really uses (`Table1.pageSize` for server-side queries).
  useEffect(() => {
    if (ownPageSize !== undefined && metaPageSize !== ownPageSize) onMeta({ pageSize: ownPageSize });
  }, [metaPageSize, ownPageSize, onMeta]);
  // A search or new data can leave the current page past the end: go back to the last page.
  useEffect(() => {
    if (!serverSide && paginated && pageCount > 0 && pageNo > pageCount) onMeta({ pageNo: pageCount });
  }, [serverSide, paginated, pageCount, pageNo, onMeta]);
  useEffect(() => {
    const el = scroller.current;
    if (el) setView((v) => (v.height === el.clientHeight ? v : { ...v, height: el.clientHeight }));
  }, [virtual]);

  const win = virtual ? rowWindow(shown.length, rowHeight, view.top, view.height) : { start: 0, end: shown.length, padTop: 0, padBottom: 0 };
  const indexOf = (row: Row): number => num(row[ORIGINAL_INDEX], -1);
  const goTo = (page: number) => {
    onMeta({ pageNo: page });
    onEvent("onPageChange");
  };
  const select = (index: number) => {
    if (multi) {
      const next = new Set(pendingSelection.current);
      pendingSelection.current = next;
      if (next.has(index)) next.delete(index);
      else next.add(index);
      onMeta({ selectedRowIndices: [...next].sort((a, b) => a - b), selectedRowIndex: index });
    } else onMeta({ selectedRowIndex: index });
    onEvent("onRowSelected");
  };
  /**
   * Run a column's handler for a row: `currentRow` is the row as shown (computed values and edits
   * included), `currentIndex` its position in tableData. After Save the row's edits are dropped
   * once the handler has finished (the save query usually reloads the data); Discard drops them
   * at once.
   */
  const runColumnEvent = (column: string, event: string, index: number, rowEdits: Row | undefined) => {
    onMeta({ triggeredRowIndex: index });
    const source = arr(values["filteredTableData"]).find((r) => indexOf(r as Row) === index) as Row | undefined;
    const { [ORIGINAL_INDEX]: _omit, __primaryKey__: _key, ...shownRow } = { ...(source ?? {}), ...rowEdits };
    const dropEdits = () => {
      const edits = latestEdits.current;
      const { [String(index)]: _dropped, ...rest } = edits.current;
      if (_dropped === undefined) return;
      edits.current = rest;
      onMeta({ transientTableData: rest });
    };
    if (event === "onDiscard") dropEdits();
    const running = onEvent(`primaryColumns.${column}.${event}`, { currentRow: shownRow, currentIndex: index });
    if (event === "onSave") void Promise.resolve(running).finally(dropEdits);
  };
  const pageIndices = shown.map(indexOf);
  const allOnPage = pageIndices.length > 0 && pageIndices.every((i) => selectedSet.has(i));
  const editedCount = Object.keys(edits).length;
  // The bar above the rows shows only when it has something in it.
  const barShown =
    values["isVisibleSearch"] !== false || values["isVisibleFilters"] !== false || values["isVisibleDownload"] !== false || values["allowAddNewRow"] === true || adding || editedCount > 0;

  return (
    <div className="lc-table" style={{ borderRadius: str(values["borderRadius"], "var(--lc-radius)"), boxShadow: str(values["boxShadow"], "none") }}>
      {barShown && (
        <div className="lc-table__bar">
          {values["isVisibleSearch"] !== false && (
            <input
              type="search"
              className="lc-input lc-table__search"
              placeholder="Search"
              aria-label={`Search ${name}`}
              value={str(values["searchText"])}
              onChange={(e) => {
                onMeta({ searchText: e.target.value, pageNo: 1 });
                onEvent("onSearchTextChanged");
              }}
            />
          )}
          {values["isVisibleFilters"] !== false && (
            <button type="button" className="lc-table__tool" aria-expanded={filtersOpen} onClick={() => setFiltersOpen(!filtersOpen)}>
              {filters.length > 0 ? `Filters (${filters.length})` : "Filters"}
            </button>
          )}
          {values["allowAddNewRow"] === true && !adding && (
            <button
              type="button"
              className="lc-table__tool"
              onClick={() => {
                const start = { ...((values["defaultNewRow"] ?? {}) as Row) };
                pendingNewRow.current = start;
                onMeta({ isAddRowInProgress: true, newRow: start });
              }}
            >
              Add new row
            </button>
          )}
          {adding && (
            <>
              <button
                type="button"
                className="lc-table__tool lc-table__tool--primary"
                onClick={() => {
                  // The handler reads Table1.newRow; the row closes once it has finished, as in Appsmith.
                  void Promise.resolve(onEvent("onAddNewRowSave")).finally(() => onMeta({ isAddRowInProgress: false, newRow: {} }));
                }}
              >
                Save new row
              </button>
              <button
                type="button"
                className="lc-table__tool"
                onClick={() => {
                  onMeta({ isAddRowInProgress: false, newRow: {} });
                  onEvent("onAddNewRowDiscard");
                }}
              >
                Discard new row
              </button>
            </>
          )}
          {editedCount > 0 && (
            <button type="button" className="lc-table__tool" onClick={() => onMeta({ transientTableData: {} })}>
              Discard {editedCount} edited {editedCount === 1 ? "row" : "rows"}
            </button>
          )}
          {values["isVisibleDownload"] !== false && (
            <button
              type="button"
              className="lc-table__tool"
              onClick={() => saveFile(new Blob([toCsv(rows, columns, str(values["delimiter"], ","))], { type: "text/csv" }), `${name}.csv`)}
            >
              Download CSV
            </button>
          )}
        </div>
      )}
      {filtersOpen && values["isVisibleFilters"] !== false && (
        <FilterPanel
          name={name}
          columns={filterableColumns(columns, arr(values["tableData"]) as Row[])}
          filters={filters}
          onChange={(next) => {
            onMeta({ filters: next, pageNo: 1 });
          }}
        />
      )}
      <div className="lc-table__scroll" ref={scroller} onScroll={virtual ? (e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight }) : undefined}>
        <table style={{ fontSize: str(values["textSize"]) || undefined }}>
          <thead>
            <tr>
              {multi && (
                <th className="lc-table__check">
                  <input
                    type="checkbox"
                    aria-label="Select all rows on this page"
                    checked={allOnPage}
                    onChange={() => {
                      const next = new Set(pendingSelection.current);
                      for (const i of pageIndices) if (allOnPage) next.delete(i);
                      else next.add(i);
                      pendingSelection.current = next;
                      onMeta({ selectedRowIndices: [...next].sort((a, b) => a - b) });
                      onEvent("onRowSelected");
                    }}
                  />
                </th>
              )}
              {columns.map((c) => (
                <th
                  key={c.id}
                  style={{ width: c.width, ...frozen.get(c.id) }}
                  aria-sort={sort.column === c.id ? (sort.order === "desc" ? "descending" : "ascending") : undefined}
                  className={c.sortable ? "lc-table__sortable" : undefined}
                  onClick={
                    c.sortable
                      ? () => {
                          onMeta({ sortOrder: { column: c.id, order: sort.column === c.id && sort.order === "asc" ? "desc" : "asc" }, pageNo: 1 });
                          onEvent("onSort");
                        }
                      : undefined
                  }
                >
                  {c.label}
                  {sort.column === c.id ? (sort.order === "desc" ? " ▼" : " ▲") : ""}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {adding && (
              <NewRow
                columns={columns}
                row={newRow}
                multi={multi}
                onChange={(next) => {
                  pendingNewRow.current = next;
                  onMeta({ newRow: next });
                }}
              />
            )}
            {win.padTop > 0 && <tr aria-hidden="true" style={{ height: win.padTop }} />}
            {shown.slice(win.start, win.end).map((row) => {
              const index = indexOf(row);
              const rowEdits = edits[String(index)];
              const isSelected = multi ? selectedSet.has(index) : index === selected;
              return (
                <tr key={index} aria-selected={isSelected} style={{ height: rowHeight }} onClick={() => select(index)}>
                  {multi && (
                    <td className="lc-table__check">
                      <input type="checkbox" aria-label={`Select row ${index + 1}`} checked={isSelected} onChange={() => select(index)} onClick={(e) => e.stopPropagation()} />
                    </td>
                  )}
                  {columns.map((c) => (
                    <td key={c.id} className={frozen.has(c.id) ? "lc-table__frozen" : undefined} style={{ ...cellStyle(c, index, values), ...frozen.get(c.id) }}>
                      <Cell
                        column={c}
                        index={index}
                        value={rowEdits && c.id in rowEdits ? rowEdits[c.id] : cellValue(c, row, index)}
                        edited={rowEdits !== undefined && c.id in rowEdits}
                        rowEdited={rowEdits !== undefined}
                        editable={cellEditable(c, index)}
                        onColumnEvent={(event) => runColumnEvent(c.id, event, index, pendingEdits.current[String(index)])}
                        onEdit={(value, then) => {
                          const all = pendingEdits.current;
                          const rowNext = { ...all[String(index)], [c.id]: value };
                          const next = { ...all, [String(index)]: rowNext };
                          pendingEdits.current = next;
                          onMeta({ transientTableData: next, updatedRowIndex: index });
                          if (then && typeof c.config[then] === "string") runColumnEvent(c.id, then, index, rowNext);
                        }}
                      />
                    </td>
                  ))}
                </tr>
              );
            })}
            {win.padBottom > 0 && <tr aria-hidden="true" style={{ height: win.padBottom }} />}
          </tbody>
        </table>
        {rows.length === 0 && <p className="lc-table__empty">No rows</p>}
      </div>
      {paginated && (
        <nav className="lc-table__pages" aria-label={`${name} pages`}>
          <span className="lc-table__count">{serverSide ? (total > 0 ? `${total} rows` : "") : `${rows.length} ${rows.length === 1 ? "row" : "rows"}`}</span>
          <button type="button" disabled={pageNo <= 1} onClick={() => goTo(pageNo - 1)}>
            Previous
          </button>
          <span>
            Page {pageNo}
            {pageCount > 0 ? ` of ${pageCount}` : ""}
          </span>
          <button type="button" disabled={pageCount > 0 ? pageNo >= pageCount : !serverSide || shown.length < pageSize} onClick={() => goTo(pageNo + 1)}>
            Next
          </button>
        </nav>
      )}
    </div>
  );
}
