/**
 * LIST_WIDGET_V2: one copy of its template (its child widgets) per item of listData, a page at a
 * time; clicking an item sets selectedItem and runs onItemClick with currentItem and currentIndex.
 */
import { Children, useEffect } from "react";

import { arr, num, str, type WidgetProps } from "../types";

/** Items per page: as many copies of the template as the widget's height holds. */
export function listPageSize(values: Readonly<Record<string, unknown>>, templateRows: number): number {
  const height = (num(values["bottomRow"]) - num(values["topRow"])) * 10 - 48;
  const itemHeight = Math.max(1, templateRows) * 10 + num(values["itemSpacing"], 8);
  return Math.max(1, Math.floor(height / itemHeight));
}

export default function List({ name, values, children, templateRows, onMeta, onEvent }: WidgetProps) {
  const items = arr(values["listData"]);
  const copies = Children.toArray(children);
  const serverSide = values["serverSidePagination"] === true;
  const metaSize = values["pageSize"];
  const pageSize = typeof metaSize === "number" && metaSize > 0 ? metaSize : listPageSize(values, templateRows ?? 4);
  const total = serverSide ? num(values["totalRecordsCount"]) : items.length;
  const pageCount = total > 0 ? Math.ceil(total / pageSize) : 0;
  const pageNo = Math.max(1, num(values["pageNo"], 1));
  const first = serverSide ? 0 : (pageNo - 1) * pageSize;
  const shown = serverSide ? copies : copies.slice(first, first + pageSize);
  const selected = num(values["selectedItemIndex"], -1);

  // Tell bindings the page size the list really uses (`List1.pageSize` for server-side queries).
  useEffect(() => {
    if (typeof metaSize !== "number" || metaSize <= 0) onMeta({ pageSize });
  }, [metaSize, pageSize, onMeta]);
  useEffect(() => {
    if (!serverSide && pageCount > 0 && pageNo > pageCount) onMeta({ pageNo: pageCount });
  }, [serverSide, pageCount, pageNo, onMeta]);

  const goTo = (page: number) => {
    onMeta({ pageNo: page });
    onEvent("onPageChange");
  };
  return (
    <div className="lc-list" style={{ background: str(values["backgroundColor"]) || undefined, borderRadius: str(values["borderRadius"], "var(--lc-radius)") }}>
      <div className="lc-list__items" style={{ gap: `${num(values["itemSpacing"], 8)}px` }}>
        {shown.map((copy, i) => {
          const index = first + i;
          return (
            <div
              key={index}
              className="lc-list__item"
              aria-selected={index === selected}
              data-index={index}
              style={{ background: str(values["itemBackgroundColor"]) || undefined }}
              onClick={() => {
                onMeta({ selectedItemIndex: index });
                onEvent("onItemClick", { currentItem: items[index], currentIndex: index });
              }}
            >
              {copy}
            </div>
          );
        })}
        {items.length === 0 && <p className="lc-table__empty">No items</p>}
      </div>
      {(pageCount > 1 || serverSide) && (
        <nav className="lc-table__pages" aria-label={`${name} pages`}>
          <button type="button" disabled={pageNo <= 1} onClick={() => goTo(pageNo - 1)}>
            Previous
          </button>
          <span>
            Page {pageNo}
            {pageCount > 0 ? ` of ${pageCount}` : ""}
          </span>
          <button type="button" disabled={pageCount > 0 ? pageNo >= pageCount : items.length < pageSize} onClick={() => goTo(pageNo + 1)}>
            Next
          </button>
        </nav>
      )}
    </div>
  );
}
