/**
 * Rows per page: the developer's `defaultPageSize`, else as many rows as the widget's height holds
 * under the parts it shows (toolbar, header, pagination bar). Pure, tested without rendering.
 */
import { rowHeightOf } from "./virtual";

type Values = Readonly<Record<string, unknown>>;

const WIDGET_PADDING_PX = 8; // the grid cell's padding around every widget
const TABLE_BORDER_PX = 2;
const TOOLBAR_PX = 45; // search box, filter and download buttons
const HEADER_PX = 37;
const PAGINATION_PX = 43;

const n = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Whether the toolbar row is shown at all. */
export const hasToolbar = (v: Values): boolean => v["isVisibleSearch"] !== false || v["isVisibleFilters"] !== false || v["isVisibleDownload"] !== false;

/** Rows the height holds, or undefined while the widget's place on the grid is not known yet. */
export function fittingPageSize(v: Values): number | undefined {
  const top = n(v["topRow"]);
  const bottom = n(v["bottomRow"]);
  if (top === undefined || bottom === undefined) return undefined;
  const chrome = WIDGET_PADDING_PX + TABLE_BORDER_PX + HEADER_PX + (hasToolbar(v) ? TOOLBAR_PX : 0) + (v["isVisiblePagination"] !== false ? PAGINATION_PX : 0);
  return Math.max(1, Math.floor(((bottom - top) * 10 - chrome) / rowHeightOf(v["compactMode"])));
}

/** The page size the table uses: a positive `defaultPageSize` wins over the fitted one. */
export function pageSizeOf(v: Values): number | undefined {
  const chosen = n(v["defaultPageSize"]);
  return chosen !== undefined && chosen > 0 ? Math.floor(chosen) : fittingPageSize(v);
}
