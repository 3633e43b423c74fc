/**
 * The layout grid: 64 columns per container, rows of 10 px. Positions snap to whole cells, and a
 * widget placed over others pushes them down instead of overlapping them (modals float: they take
 * no room on the grid).
 */
export const COLUMNS = 64;
export const ROW_PX = 10;

export interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface Placed {
  readonly id: string;
  readonly box: Box;
}

export function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** A pixel offset inside a container of `widthPx` as whole columns (nearest). */
export function columnsAt(px: number, widthPx: number): number {
  return Math.round((px / Math.max(1, widthPx)) * COLUMNS);
}

export function rowsAt(px: number): number {
  return Math.round(px / ROW_PX);
}

/** Keep a box on the grid: inside the 64 columns, below row 0, at least one cell big. */
export function clampBox(box: Box): Box {
  const width = Math.min(COLUMNS, Math.max(1, Math.round(box.right - box.left)));
  const height = Math.max(1, Math.round(box.bottom - box.top));
  const left = Math.min(COLUMNS - width, Math.max(0, Math.round(box.left)));
  const top = Math.max(0, Math.round(box.top));
  return { left, right: left + width, top, bottom: top + height };
}

/** Move a box by whole cells, kept on the grid (its size unchanged). */
export function moveBox(box: Box, columns: number, rows: number): Box {
  return clampBox({ left: box.left + columns, right: box.right + columns, top: box.top + rows, bottom: box.bottom + rows });
}

/**
 * New boxes for the widgets that must move so that none overlaps another: the widgets in `fixed`
 * (the ones the developer just placed) stay put, every other widget that collides goes down just
 * below what it hit, and so on down the page. Widgets that do not collide never move.
 */
export function pushDown(items: readonly Placed[], fixed: ReadonlySet<string>): Map<string, Box> {
  const settled: Box[] = items.filter((i) => fixed.has(i.id)).map((i) => i.box);
  const others = items.filter((i) => !fixed.has(i.id)).sort((a, b) => a.box.top - b.box.top || a.box.left - b.box.left);
  const moved = new Map<string, Box>();
  for (const item of others) {
    let box = item.box;
    for (;;) {
      const hits = settled.filter((s) => overlaps(s, box));
      if (hits.length === 0) break;
      const top = Math.max(...hits.map((h) => h.bottom));
      box = { ...box, top, bottom: top + (box.bottom - box.top) };
    }
    if (box.top !== item.box.top) moved.set(item.id, box);
    settled.push(box);
  }
  return moved;
}

/** Where a new widget of `columns` x `rows` goes when added without a drop position: below everything. */
export function freeSpot(items: readonly Box[], columns: number, rows: number): Box {
  const top = items.reduce((max, b) => Math.max(max, b.bottom), 0);
  return clampBox({ left: 0, right: columns, top, bottom: top + rows });
}

/** Rows the content needs (the canvas grows with it). */
export function contentRows(items: readonly Box[]): number {
  return items.reduce((max, b) => Math.max(max, b.bottom), 0);
}
