/** Which rows a scrolled window shows, so a page of 10,000 rows renders only a screenful. */

export interface RowWindow {
  readonly start: number;
  readonly end: number;
  /** Empty space above and below the rendered rows, in pixels. */
  readonly padTop: number;
  readonly padBottom: number;
}

export const VIRTUALISE_FROM = 100;

export function rowWindow(count: number, rowHeight: number, scrollTop: number, viewportHeight: number, overscan = 10): RowWindow {
  if (count <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.max(0, Math.min(count - 1, first) - overscan);
  const end = Math.min(count, first + Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight) + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}

/** Row height per `compactMode`. */
export function rowHeightOf(compactMode: unknown): number {
  return compactMode === "SHORT" ? 28 : compactMode === "TALL" ? 52 : 38;
}
