/**
 * Drag-box (marquee) selection: the rectangle the pointer spans on a container's empty grid, and
 * the widgets of that container it touches. Pixel rectangles in viewport coordinates; no DOM here.
 */
export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The rectangle between where the drag started and where the pointer is now (any direction). */
export function spanned(x0: number, y0: number, x1: number, y1: number): Rect {
  return { left: Math.min(x0, x1), top: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) };
}

/** Widgets touched by the box, in the order given: partly covered counts, as on any design canvas. */
export function touched(box: Rect, widgets: readonly { readonly id: string; readonly rect: Rect }[]): string[] {
  return widgets
    .filter(({ rect: r }) => r.left < box.left + box.width && box.left < r.left + r.width && r.top < box.top + box.height && box.top < r.top + r.height)
    .map((w) => w.id);
}

/** The selection after a box: the touched widgets, or (shift held) the earlier selection plus them. */
export function boxSelection(before: readonly string[], hits: readonly string[], additive: boolean): string[] {
  if (!additive) return [...hits];
  return [...before, ...hits.filter((id) => !before.includes(id))];
}
