/**
 * The page on the 64-column grid, as the developer edits it: widgets render from their evaluated
 * values; a pointer on a widget selects it (shift adds to the selection) and drags it; handles on
 * the selected widget resize it; widgets from the palette are dragged onto any grid (the page, a
 * container, a form, an open modal, a tab); a box dragged from an empty spot of a grid selects the
 * widgets of that grid it touches (shift adds them; Alt draws one inside a container). Everything snaps to cells and settles through
 * `placeWidgets`, so widgets that are hit go down. In preview the same page is simply live.
 */
import { Suspense, useCallback, useImperativeHandle, useRef, useState, type ReactNode, type Ref } from "react";

import type { EvaluationError } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import type { Peer } from "../realtime/session";
import { floats } from "../widgets/editorHints";
import { WIDGETS } from "../widgets/registry";
import { WidgetBoundary } from "../widgets/WidgetBoundary";
import { clampBox, COLUMNS, ROW_PX, type Box } from "./grid";
import { boxSelection, spanned, touched, type Rect } from "./marquee";
import { ancestorsOf, boxOf, childrenOf, dropWidget, findWidget, holdsWidgets, idOf, parentOf, placeWidgets, topmost, type Widget } from "./tree";

export interface CanvasHandle {
  /** Start dragging a new widget of `type` from the palette. */
  beginNew(type: string, clientX: number, clientY: number): void;
}

export interface CanvasProps {
  readonly tree: Widget;
  readonly manifests: ReadonlyMap<string, WidgetManifest>;
  readonly values: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly errors: Readonly<Record<string, readonly EvaluationError[]>>;
  readonly selected: readonly string[];
  /** Co-editing: the others on this page; each one's selection is outlined in their colour. */
  readonly peers?: readonly Peer[];
  readonly preview: boolean;
  onSelect(ids: readonly string[], toggle: boolean): void;
  onCommit(tree: Widget, select?: readonly string[]): void;
  onMeta(widget: string, changes: Record<string, unknown>): void;
  onEvent(widget: string, event: string, extra?: Record<string, unknown>): void;
  readonly handle?: Ref<CanvasHandle>;
}

type Drag =
  | { kind: "new"; type: string; x0: number; y0: number; moved: boolean }
  | { kind: "move"; ids: string[]; primary: string; grabX: number; grabY: number; x0: number; y0: number; moved: boolean }
  | { kind: "resize"; id: string; edge: "e" | "s" | "se"; moved: boolean }
  /** A box drawn from the empty grid `gridId`; a plain click there selects its owner instead. */
  | { kind: "marquee"; gridId: string; x0: number; y0: number; additive: boolean; click: () => void; moved: boolean };

interface Ghost {
  readonly gridId: string;
  /** Viewport pixels of the snapped outline. */
  readonly rect: { left: number; top: number; width: number; height: number };
}

const DRAG_THRESHOLD_PX = 4;

/** A container's grid under the pointer that is not inside a widget being dragged. */
function gridAt(x: number, y: number, excluded: ReadonlySet<string>): HTMLElement | null {
  for (const el of document.elementsFromPoint(x, y)) {
    if (!(el instanceof HTMLElement)) continue;
    const grid = el.closest<HTMLElement>("[data-grid-id]");
    if (!grid) continue;
    let inside = false;
    for (let p: HTMLElement | null = grid; p; p = p.parentElement) {
      const id = p.dataset["widgetId"];
      if (id !== undefined && excluded.has(id)) {
        inside = true;
        break;
      }
    }
    if (!inside) return grid;
  }
  return null;
}

function snapIn(grid: HTMLElement, left: number, top: number, columns: number, rows: number): { box: Box; rect: Ghost["rect"] } {
  const r = grid.getBoundingClientRect();
  const col = r.width / COLUMNS;
  const box = clampBox({ left: Math.round((left - r.left) / col), right: Math.round((left - r.left) / col) + columns, top: Math.round((top - r.top) / ROW_PX), bottom: Math.round((top - r.top) / ROW_PX) + rows });
  return { box, rect: { left: r.left + box.left * col, top: r.top + box.top * ROW_PX, width: (box.right - box.left) * col, height: (box.bottom - box.top) * ROW_PX } };
}

/**
 * A new widget's columns in a container's grid: as wide on screen as its default size is on the
 * page (every container has its own 64 columns, so a narrow form would otherwise get a sliver).
 */
function columnsIn(grid: HTMLElement, pageColumns: number): number {
  const page = document.querySelector<HTMLElement>('[data-grid-id="0"]');
  const pageWidth = page?.getBoundingClientRect().width ?? 0;
  const gridWidth = grid.getBoundingClientRect().width;
  if (pageWidth <= 0 || gridWidth <= 0 || grid === page) return pageColumns;
  return Math.max(1, Math.min(COLUMNS, Math.round((pageColumns * pageWidth) / gridWidth)));
}

const noop = () => undefined;

export default function Canvas(props: CanvasProps) {
  const { tree, manifests, preview } = props;
  const [drag, setDrag] = useState<Drag | null>(null);
  const [ghost, setGhost] = useState<Ghost | null>(null);
  const [marquee, setMarquee] = useState<Rect | null>(null);
  const latest = useRef(props);
  latest.current = props;

  const finish = useCallback((d: Drag, x: number, y: number) => {
    const { tree: t, manifests: m } = latest.current;
    if (d.kind === "new") {
      const manifest = m.get(d.type);
      if (!manifest) return;
      const size = manifest.defaultSize ?? { columns: 16, rows: 4 };
      if (!d.moved) {
        // A click on the palette: add below the content of the selected container (or the page).
        const sel = latest.current.selected[0];
        const target = sel ? findWidget(t, sel) : undefined;
        const parent = target && holdsWidgets(target, m) && target.type !== "CANVAS_WIDGET" ? target : t;
        const below = childrenOf(parent).filter((c) => !floats(c.type)).reduce((max, c) => Math.max(max, boxOf(c).bottom), 0);
        const dropped = dropWidget(t, idOf(parent), manifest, m, { left: 0, top: floats(d.type) ? 0 : below });
        latest.current.onCommit(dropped.tree, [dropped.id]);
        return;
      }
      const grid = gridAt(x, y, new Set());
      if (!grid) return;
      const gridId = grid.dataset["gridId"] as string;
      const r = grid.getBoundingClientRect();
      const col = r.width / COLUMNS;
      const columns = columnsIn(grid, size.columns);
      const { box } = snapIn(grid, x - (columns * col) / 2, y - (size.rows * ROW_PX) / 2, columns, size.rows);
      const dropped = dropWidget(t, gridId, manifest, m, box);
      latest.current.onCommit(dropped.tree, [dropped.id]);
      return;
    }
    if (d.kind === "marquee") {
      if (!d.moved) {
        d.click();
        return;
      }
      const grid = document.querySelector<HTMLElement>(`[data-grid-id="${CSS.escape(d.gridId)}"]`);
      const items = grid
        ? [...grid.children].filter((el): el is HTMLElement => el instanceof HTMLElement && el.dataset["widgetId"] !== undefined).map((el) => ({ id: el.dataset["widgetId"] as string, rect: el.getBoundingClientRect() }))
        : [];
      latest.current.onSelect(boxSelection(latest.current.selected, touched(spanned(d.x0, d.y0, x, y), items), d.additive), false);
      return;
    }
    if (!d.moved) return;
    if (d.kind === "move") {
      const primary = findWidget(t, d.primary);
      const grid = gridAt(x, y, new Set(d.ids));
      if (!primary || !grid) return;
      const old = boxOf(primary);
      const { box } = snapIn(grid, x - d.grabX, y - d.grabY, old.right - old.left, old.bottom - old.top);
      const dx = box.left - old.left;
      const dy = box.top - old.top;
      const placed = d.ids
        .map((id) => findWidget(t, id))
        .filter((w): w is Widget => w !== undefined)
        .map((w) => {
          const b = boxOf(w);
          return { widget: w, box: idOf(w) === d.primary ? box : clampBox({ left: b.left + dx, right: b.right + dx, top: b.top + dy, bottom: b.bottom + dy }) };
        });
      latest.current.onCommit(placeWidgets(t, grid.dataset["gridId"] as string, placed), d.ids);
      return;
    }
    const widget = findWidget(t, d.id);
    const parent = parentOf(t, d.id);
    const grid = parent ? document.querySelector<HTMLElement>(`[data-grid-id="${CSS.escape(idOf(parent))}"]`) : null;
    if (!widget || !parent || !grid) return;
    const r = grid.getBoundingClientRect();
    const col = r.width / COLUMNS;
    const b = boxOf(widget);
    const right = d.edge === "s" ? b.right : Math.max(b.left + 1, Math.min(COLUMNS, Math.round((x - r.left) / col)));
    const bottom = d.edge === "e" ? b.bottom : Math.max(b.top + 1, Math.round((y - r.top) / ROW_PX));
    latest.current.onCommit(placeWidgets(t, idOf(parent), [{ widget, box: { ...b, right, bottom } }]), [d.id]);
  }, []);

  const track = useCallback(
    (start: Drag) => {
      let current = start;
      setDrag(current);
      const move = (e: PointerEvent) => {
        if (!current.moved) {
          const x0 = current.kind === "resize" ? e.clientX : current.x0;
          const y0 = current.kind === "resize" ? e.clientY : current.y0;
          if (current.kind !== "resize" && Math.hypot(e.clientX - x0, e.clientY - y0) < DRAG_THRESHOLD_PX) return;
          current = { ...current, moved: true };
          setDrag(current);
        }
        if (current.kind === "marquee") setMarquee(spanned(current.x0, current.y0, e.clientX, e.clientY));
        else setGhost(ghostFor(current, e.clientX, e.clientY));
      };
      const up = (e: PointerEvent) => {
        window.removeEventListener("pointermove", move);
        window.removeEventListener("pointerup", up);
        setDrag(null);
        setGhost(null);
        setMarquee(null);
        finish(current, e.clientX, e.clientY);
      };
      window.addEventListener("pointermove", move);
      window.addEventListener("pointerup", up);
    },
    [finish],
  );

  const ghostFor = (d: Drag, x: number, y: number): Ghost | null => {
    const { tree: t, manifests: m } = latest.current;
    if (d.kind === "new") {
      const size = m.get(d.type)?.defaultSize ?? { columns: 16, rows: 4 };
      const grid = gridAt(x, y, new Set());
      if (!grid) return null;
      const col = grid.getBoundingClientRect().width / COLUMNS;
      const columns = columnsIn(grid, size.columns);
      return { gridId: grid.dataset["gridId"] as string, rect: snapIn(grid, x - (columns * col) / 2, y - (size.rows * ROW_PX) / 2, columns, size.rows).rect };
    }
    if (d.kind === "marquee") return null;
    if (d.kind === "move") {
      const w = findWidget(t, d.primary);
      const grid = gridAt(x, y, new Set(d.ids));
      if (!w || !grid) return null;
      const b = boxOf(w);
      return { gridId: grid.dataset["gridId"] as string, rect: snapIn(grid, x - d.grabX, y - d.grabY, b.right - b.left, b.bottom - b.top).rect };
    }
    const el = document.querySelector<HTMLElement>(`[data-widget-id="${CSS.escape(d.id)}"]`);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { gridId: "", rect: { left: r.left, top: r.top, width: d.edge === "s" ? r.width : Math.max(4, x - r.left), height: d.edge === "e" ? r.height : Math.max(4, y - r.top) } };
  };

  useImperativeHandle(props.handle, () => ({
    beginNew(type: string, clientX: number, clientY: number) {
      track({ kind: "new", type, x0: clientX, y0: clientY, moved: false });
    },
  }), [track]);

  const onWidgetPointerDown = (e: React.PointerEvent, w: Widget) => {
    if (preview || e.button !== 0) return;
    e.stopPropagation();
    const id = idOf(w);
    const { selected, tree: t } = latest.current;
    if (e.shiftKey) {
      props.onSelect([id], true);
      return;
    }
    const ids = selected.includes(id) ? topmost(t, selected) : [id];
    if (!selected.includes(id)) props.onSelect([id], false);
    if (floats(w.type)) return;
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    track({ kind: "move", ids, primary: id, grabX: e.clientX - r.left, grabY: e.clientY - r.top, x0: e.clientX, y0: e.clientY, moved: false });
  };

  const onResizeDown = (e: React.PointerEvent, id: string, edge: "e" | "s" | "se") => {
    e.stopPropagation();
    e.preventDefault();
    track({ kind: "resize", id, edge, moved: false });
  };

  const dragging = drag?.kind === "move" && drag.moved ? new Set(drag.ids) : null;

  const renderGrid = (owner: Widget, nodes: readonly Widget[], heightRows: number): ReactNode => {
    const laid = nodes.filter((n) => !floats(n.type));
    const rows = Math.max(heightRows, laid.reduce((max, n) => Math.max(max, boxOf(n).bottom), 0));
    return (
      <div
        className={`lc-ed-grid${ghost?.gridId === idOf(owner) ? " lc-ed-grid--target" : ""}`}
        data-grid-id={idOf(owner)}
        style={{ height: `${rows * ROW_PX}px` }}
        onPointerDown={(e) => {
          if (preview || e.button !== 0 || e.target !== e.currentTarget) return;
          // The page and a modal draw a box; a container's empty area grabs the container (to
          // move it), unless Alt is held, which draws a box among the container's widgets.
          const boxes = idOf(owner) === idOf(tree) || floats(owner.type) || e.altKey;
          if (!boxes) {
            props.onSelect([owner.type === "CANVAS_WIDGET" ? idOf(parentOf(tree, idOf(owner)) ?? owner) : idOf(owner)], false);
            return;
          }
          e.stopPropagation();
          e.preventDefault();
          const click = () => {
            if (owner.type === "CANVAS_WIDGET" && idOf(owner) === idOf(tree)) props.onSelect([], false);
            else props.onSelect([owner.type === "CANVAS_WIDGET" ? idOf(parentOf(tree, idOf(owner)) ?? owner) : idOf(owner)], false);
          };
          track({ kind: "marquee", gridId: idOf(owner), x0: e.clientX, y0: e.clientY, additive: e.shiftKey, click, moved: false });
        }}
      >
        {laid.map((n) => renderWidget(n))}
        {preview && nodes.filter((n) => floats(n.type)).map((n) => renderWidget(n))}
      </div>
    );
  };

  const inner = (w: Widget): ReactNode => {
    const b = boxOf(w);
    if (manifests.get(w.type)?.children === "canvases") return childrenOf(w).map((canvas) => <div key={idOf(canvas)}>{renderGrid(canvas, childrenOf(canvas), b.bottom - b.top - 4)}</div>);
    if (holdsWidgets(w, manifests)) return renderGrid(w, childrenOf(w), b.bottom - b.top);
    return null;
  };

  const renderWidget = (w: Widget): ReactNode => {
    const id = idOf(w);
    const values = props.values[w.widgetName] ?? w;
    const Widget = WIDGETS[w.type];
    const selected = !preview && props.selected.includes(id);
    const b = boxOf(w);
    const floating = floats(w.type);
    if (preview && values["isVisible"] === false) return null;
    const others = preview ? [] : (props.peers ?? []).filter((p) => p.selection.includes(id));
    const problems = Object.entries(props.errors).filter(([k, list]) => k.startsWith(`${w.widgetName}.`) && list.length > 0);
    const style = floating
      ? undefined
      : { left: `${(b.left / COLUMNS) * 100}%`, width: `${((b.right - b.left) / COLUMNS) * 100}%`, top: `${b.top * ROW_PX}px`, height: `${(b.bottom - b.top) * ROW_PX}px` };
    return (
      <div
        key={id}
        className={`lc-ed-widget${selected ? " lc-ed-widget--selected" : ""}${dragging?.has(id) ? " lc-ed-widget--dragging" : ""}${preview ? " lc-ed-widget--live" : ""}${floating ? " lc-widget--floating" : ""}${!preview && values["isVisible"] === false ? " lc-ed-widget--hidden" : ""}`}
        style={style}
        data-widget-id={id}
        data-widget={w.widgetName}
        onPointerDown={(e) => onWidgetPointerDown(e, w)}
      >
        <div className="lc-ed-widget__content">
          <WidgetBoundary name={w.widgetName}>
            <Suspense fallback={<div className="lc-loading" aria-busy="true" />}>
              {Widget ? (
                <Widget
                  name={w.widgetName}
                  values={values}
                  onMeta={preview ? (c) => props.onMeta(w.widgetName, c) : noop}
                  onEvent={preview ? (ev, extra) => props.onEvent(w.widgetName, ev, extra) : noop}
                >
                  {inner(w)}
                </Widget>
              ) : (
                <div className="lc-widget-error">{`Unknown widget type ${w.type}`}</div>
              )}
            </Suspense>
          </WidgetBoundary>
        </div>
        {!preview && problems.length > 0 && (
          <span className="lc-ed-widget__problems" title={problems.map(([k, list]) => `${k}: ${list.map((x) => x.message).join("; ")}`).join("\n")}>
            !
          </span>
        )}
        {others.map((p, i) => (
          <span key={p.clientId} className="lc-ed-peer-outline" style={{ borderColor: p.user.color, inset: `${-3 - 3 * i}px` }} data-peer-selection={p.user.name} title={`${p.user.name} selected ${w.widgetName}`}>
            <span style={{ background: p.user.color }}>{p.user.name}</span>
          </span>
        ))}
        {selected && (
          <>
            <span className="lc-ed-widget__name">{w.widgetName}</span>
            <span className="lc-ed-handle lc-ed-handle--e" data-handle="e" onPointerDown={(e) => onResizeDown(e, id, "e")} />
            <span className="lc-ed-handle lc-ed-handle--s" data-handle="s" onPointerDown={(e) => onResizeDown(e, id, "s")} />
            <span className="lc-ed-handle lc-ed-handle--se" data-handle="se" onPointerDown={(e) => onResizeDown(e, id, "se")} />
          </>
        )}
      </div>
    );
  };

  // An open modal while editing: the selected one, or the one holding the selection.
  const openModal = preview
    ? undefined
    : props.selected
        .flatMap((id) => [findWidget(tree, id), ...ancestorsOf(tree, id)])
        .find((w): w is Widget => w !== undefined && floats(w.type));

  return (
    <div className={`lc-ed-canvas${preview ? " lc-ed-canvas--preview" : ""}`} data-testid="canvas">
      <div className="lc-ed-page">{renderGrid(tree, childrenOf(tree), boxOf(tree).bottom)}</div>
      {openModal && (
        <div className="lc-ed-modal-backdrop" onPointerDown={(e) => e.target === e.currentTarget && props.onSelect([], false)}>
          <div
            className={`lc-ed-modal${props.selected.includes(idOf(openModal)) ? " lc-ed-widget--selected" : ""}`}
            data-widget-id={idOf(openModal)}
            data-widget={openModal.widgetName}
            data-modal={openModal.widgetName}
            style={{ width: `${typeof openModal["width"] === "number" ? openModal["width"] : 456}px` }}
            onPointerDown={(e) => {
              e.stopPropagation();
              props.onSelect([idOf(openModal)], e.shiftKey);
            }}
          >
            <span className="lc-ed-widget__name">{openModal.widgetName}</span>
            {renderGrid(openModal, childrenOf(openModal), boxOf(openModal).bottom - boxOf(openModal).top)}
          </div>
        </div>
      )}
      {ghost && <div className="lc-ed-ghost" style={{ position: "fixed", ...ghost.rect }} />}
      {marquee && <div className="lc-ed-marquee" data-testid="marquee" style={{ position: "fixed", ...marquee }} />}
    </div>
  );
}
