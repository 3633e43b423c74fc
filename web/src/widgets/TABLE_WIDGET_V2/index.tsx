/** TABLE_WIDGET_V2: rows from data, with search, sort, pagination and row selection. */
import { arr, num, str, type WidgetProps } from "../types";

type Row = Record<string, unknown>;

export default function Table({ values, onMeta, onEvent }: WidgetProps) {
  const rows = arr(values["filteredTableData"]) as Row[];
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== "__originalIndex__");
  const configured = (values["primaryColumns"] ?? {}) as Record<string, { isVisible?: boolean; label?: string }>;
  const shown = columns.filter((c) => configured[c]?.isVisible !== false);
  const pageSize = Math.max(1, num(values["pageSize"], 10));
  const pageNo = Math.max(1, num(values["pageNo"], 1));
  const page = values["serverSidePaginationEnabled"] === true ? rows : rows.slice((pageNo - 1) * pageSize, pageNo * pageSize);
  const selected = num(values["selectedRowIndex"], -1);
  const sort = (values["sortOrder"] ?? {}) as { column?: string; order?: string };
  return (
    <div className="lc-table">
      {values["isVisibleSearch"] !== false && (
        <input
          className="lc-input lc-table__search"
          placeholder="Search"
          value={str(values["searchText"])}
          onChange={(e) => {
            onMeta({ searchText: e.target.value, pageNo: 1 });
            onEvent("onSearchTextChanged");
          }}
        />
      )}
      <table>
        <thead>
          <tr>
            {shown.map((c) => (
              <th
                key={c}
                aria-sort={sort.column === c ? (sort.order === "desc" ? "descending" : "ascending") : undefined}
                onClick={() => {
                  onMeta({ sortOrder: { column: c, order: sort.column === c && sort.order === "asc" ? "desc" : "asc" } });
                  onEvent("onSort");
                }}
              >
                {configured[c]?.label ?? c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {page.map((row) => {
            const index = num(row["__originalIndex__"], -1);
            return (
              <tr
                key={index}
                aria-selected={index === selected}
                onClick={() => {
                  onMeta({ selectedRowIndex: index });
                  onEvent("onRowSelected");
                }}
              >
                {shown.map((c) => (
                  <td key={c}>{str(row[c])}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {values["isVisiblePagination"] !== false && (
        <nav className="lc-table__pages">
          <button type="button" disabled={pageNo <= 1} onClick={() => (onMeta({ pageNo: pageNo - 1 }), onEvent("onPageChange"))}>
            Previous
          </button>
          <span>Page {pageNo}</span>
          <button type="button" onClick={() => (onMeta({ pageNo: pageNo + 1 }), onEvent("onPageChange"))}>
            Next
          </button>
        </nav>
      )}
    </div>
  );
}
