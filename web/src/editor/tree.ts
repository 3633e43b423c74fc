/**
 * The page's widget tree as the editor changes it: every function returns a new tree and leaves
 * the old one untouched (the undo history keeps old trees). Widgets are found by `widgetId`.
 */
import type { WidgetManifest } from "../engine/manifest";
import type { WidgetNode } from "../engine/page";
import { floats } from "../widgets/editorHints";
import { COLUMNS, contentRows, pushDown, type Box } from "./grid";

export type Widget = WidgetNode;

export const ROOT_ID = "0";
/** Rows the page canvas keeps below its lowest widget, so there is room to drop the next one. */
export const CANVAS_SLACK_ROWS = 20;
export const MIN_CANVAS_ROWS = 100;

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

export function idOf(w: Widget): string {
  return w.widgetId ?? w.widgetName;
}

export function boxOf(w: Widget): Box {
  return { left: num(w["leftColumn"]), right: num(w["rightColumn"]) || COLUMNS, top: num(w["topRow"]), bottom: num(w["bottomRow"]) };
}

export function withBox(w: Widget, box: Box): Widget {
  return { ...w, leftColumn: box.left, rightColumn: box.right, topRow: box.top, bottomRow: box.bottom };
}

export function childrenOf(w: Widget): readonly Widget[] {
  return w.children ?? [];
}

/** Every widget below the root, depth first. */
export function allWidgets(tree: Widget): Widget[] {
  const out: Widget[] = [];
  const visit = (w: Widget) => {
    for (const c of childrenOf(w)) {
      out.push(c);
      visit(c);
    }
  };
  visit(tree);
  return out;
}

export function findWidget(tree: Widget, id: string): Widget | undefined {
  if (idOf(tree) === id) return tree;
  for (const c of childrenOf(tree)) {
    const found = findWidget(c, id);
    if (found) return found;
  }
  return undefined;
}

export function findByName(tree: Widget, name: string): Widget | undefined {
  return [tree, ...allWidgets(tree)].find((w) => w.widgetName === name);
}

/** The chain from the root down to the widget's parent (empty when not found or the root). */
export function ancestorsOf(tree: Widget, id: string): Widget[] {
  const walk = (w: Widget, chain: Widget[]): Widget[] | null => {
    for (const c of childrenOf(w)) {
      if (idOf(c) === id) return [...chain, w];
      const found = walk(c, [...chain, w]);
      if (found) return found;
    }
    return null;
  };
  return walk(tree, []) ?? [];
}

export function parentOf(tree: Widget, id: string): Widget | undefined {
  return ancestorsOf(tree, id).at(-1);
}

/** Replace one widget by `fn(widget)`. */
export function updateWidget(tree: Widget, id: string, fn: (w: Widget) => Widget): Widget {
  if (idOf(tree) === id) return fn(tree);
  const children = tree.children;
  if (!children) return tree;
  let changed = false;
  const next = children.map((c) => {
    const u = updateWidget(c, id, fn);
    if (u !== c) changed = true;
    return u;
  });
  return changed ? { ...tree, children: next } : tree;
}

export function setProperty(tree: Widget, id: string, name: string, value: unknown): Widget {
  return updateWidget(tree, id, (w) => {
    if (value === undefined) {
      const { [name]: _dropped, ...rest } = w;
      return rest as Widget;
    }
    return { ...w, [name]: value };
  });
}

export function removeWidgets(tree: Widget, ids: ReadonlySet<string>): Widget {
  const children = tree.children;
  if (!children) return tree;
  return { ...tree, children: children.filter((c) => !ids.has(idOf(c))).map((c) => removeWidgets(c, ids)) };
}

/** Does a widget of this type hold other widgets directly (not tabs, which hold canvases)? */
export function holdsWidgets(w: Widget, manifests: ReadonlyMap<string, WidgetManifest>): boolean {
  return w.type === "CANVAS_WIDGET" || manifests.get(w.type)?.children === "widgets";
}


/**
 * Settle the children of `parentId` after `fixed` were placed: colliding widgets go down, then
 * the parent grows to hold them (and pushes its own siblings when it grows), up to the page canvas,
 * which keeps some empty rows below its content.
 */
export function settle(tree: Widget, parentId: string, fixed: ReadonlySet<string>): Widget {
  const parent = findWidget(tree, parentId);
  if (!parent) return tree;
  const laid = childrenOf(parent).filter((c) => !floats(c.type));
  const moved = pushDown(
    laid.map((c) => ({ id: idOf(c), box: boxOf(c) })),
    fixed,
  );
  let next = parent;
  if (moved.size > 0) {
    next = { ...parent, children: childrenOf(parent).map((c) => (moved.has(idOf(c)) ? withBox(c, moved.get(idOf(c)) as Box) : c)) };
  }
  const needed = contentRows(childrenOf(next).filter((c) => !floats(c.type)).map(boxOf));
  const box = boxOf(next);
  const isPage = idOf(next) === idOf(tree);
  if (isPage) {
    const rows = Math.max(MIN_CANVAS_ROWS, needed + CANVAS_SLACK_ROWS);
    if (rows !== box.bottom) next = { ...next, bottomRow: rows };
    return updateWidget(tree, parentId, () => next);
  }
  if (next.type === "CANVAS_WIDGET") {
    // A tab's canvas: the tabs widget around it grows instead.
    const out = updateWidget(tree, parentId, () => next);
    const tabs = parentOf(out, parentId);
    if (!tabs || needed <= box.bottom - box.top) return out;
    return growTo(out, idOf(tabs), needed + 4);
  }
  let out = updateWidget(tree, parentId, () => next);
  if (needed > box.bottom - box.top) out = growTo(out, parentId, needed);
  return out;
}

/** Make a container `rows` high (tab canvases included) and settle its parent around it. */
function growTo(tree: Widget, id: string, rows: number): Widget {
  let out = updateWidget(tree, id, (w) => {
    const b = boxOf(w);
    const grown = withBox(w, { ...b, bottom: b.top + rows });
    // A widget that holds canvases (tabs) grows them with it; no other holds a canvas.
    if (!childrenOf(w).some((c) => c.type === "CANVAS_WIDGET")) return grown;
    return { ...grown, children: childrenOf(w).map((c) => ({ ...c, topRow: 0, bottomRow: rows })) };
  });
  const widget = findWidget(out, id);
  if (widget && floats(widget.type)) return out;
  const parent = parentOf(out, id);
  if (parent) out = settle(out, idOf(parent), new Set([id]));
  return out;
}

/** Put widgets (new or moved) at boxes inside `parentId`, then settle the layout. */
export function placeWidgets(tree: Widget, parentId: string, placed: readonly { widget: Widget; box: Box }[]): Widget {
  const ids = new Set(placed.map((p) => idOf(p.widget)));
  const oldParents = new Set(placed.map((p) => parentOf(tree, idOf(p.widget))).filter((p): p is Widget => p !== undefined).map(idOf));
  let next = removeWidgets(tree, ids);
  next = updateWidget(next, parentId, (p) => ({ ...p, children: [...childrenOf(p), ...placed.map((x) => withBox(x.widget, x.box))] }));
  next = settle(next, parentId, ids);
  // The page canvas shrinks again when a widget left it.
  for (const old of oldParents) if (old !== parentId && old === idOf(next)) next = settle(next, old, new Set());
  return next;
}

/** `Table1`, `Table2`, ...: the first name with this base that nobody uses. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  for (let i = 1; ; i += 1) {
    const name = `${base}${i}`;
    if (!taken.has(name)) return name;
  }
}

/** The base of a new widget's name, from what the palette shows (`Date picker` -> `DatePicker`). */
export function nameBase(manifest: WidgetManifest): string {
  const words = (manifest.displayName ?? manifest.type.replace(/_WIDGET.*$/, "").toLowerCase()).split(/[^A-Za-z0-9]+/).filter(Boolean);
  const base = words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join("");
  return /^[A-Za-z]/.test(base) ? base : `Widget${base}`;
}

let counter = 0;
/** A widget id unique on the page (random, as ids from other sessions must not clash either). */
export function newWidgetId(): string {
  counter += 1;
  return `${Math.random().toString(36).slice(2, 10)}${counter.toString(36)}`;
}

/** What `WidgetManifest.defaults()` gives on the server: every property with a default. */
export function manifestDefaults(manifest: WidgetManifest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of manifest.properties) if (p.default !== undefined && p.default !== null) out[p.name] = structuredClone(p.default);
  return out;
}

/**
 * A new widget of a type with its defaults, a free name and the manifest's default size at `at`.
 * Given the other types' `manifests`, a container comes with the children its manifest's
 * blueprint lists (a Form's title and buttons), each with a free name and a fresh id too.
 */
export function newWidget(
  manifest: WidgetManifest,
  taken: ReadonlySet<string>,
  at: { left: number; top: number },
  manifests?: ReadonlyMap<string, WidgetManifest>,
): { widget: Widget; box: Box } {
  const size = manifest.defaultSize ?? { columns: 16, rows: 4 };
  const left = Math.max(0, Math.min(COLUMNS - size.columns, at.left));
  const box: Box = { left, right: left + size.columns, top: Math.max(0, at.top), bottom: Math.max(0, at.top) + size.rows };
  const widgetName = uniqueName(nameBase(manifest), taken);
  const base: Record<string, unknown> = { widgetId: newWidgetId(), widgetName, type: manifest.type, ...manifestDefaults(manifest) };
  let children: Widget[] | undefined;
  if (manifest.children === "widgets") children = manifests ? blueprintChildren(manifest, manifests, new Set([...taken, widgetName])) : [];
  if (manifest.children === "canvases") {
    const names = new Set([...taken, widgetName]);
    const tabs = Object.values((base["tabsObj"] ?? {}) as Record<string, { id?: string; label?: string }>);
    const tabsObj: Record<string, unknown> = {};
    children = tabs.map((tab) => {
      const canvasName = uniqueName("Canvas", names);
      names.add(canvasName);
      const canvasId = newWidgetId();
      tabsObj[tab.id ?? canvasId] = { ...tab, widgetId: canvasId };
      return { widgetId: canvasId, widgetName: canvasName, type: "CANVAS_WIDGET", tabName: tab.label ?? "", leftColumn: 0, rightColumn: COLUMNS, topRow: 0, bottomRow: size.rows, children: [] };
    });
    base["tabsObj"] = tabsObj;
  }
  return { widget: { ...base, ...(children ? { children } : {}) } as Widget, box };
}

/**
 * Drop a new widget of `manifest`, blueprint children included, into the container `parentId`:
 * in its default size at a position, or in `box` when the drop sized it. The whole widget arrives
 * in one new tree, so one undo takes it away again.
 */
export function dropWidget(
  tree: Widget,
  parentId: string,
  manifest: WidgetManifest,
  manifests: ReadonlyMap<string, WidgetManifest>,
  at: Box | { readonly left: number; readonly top: number },
): { tree: Widget; id: string } {
  const made = newWidget(manifest, namesIn(tree), at, manifests);
  const box = "right" in at ? at : made.box;
  return { tree: placeWidgets(tree, parentId, [{ widget: made.widget, box }]), id: idOf(made.widget) };
}

/** The children a manifest's blueprint puts in a new widget; types unknown here are left out. */
function blueprintChildren(manifest: WidgetManifest, manifests: ReadonlyMap<string, WidgetManifest>, names: Set<string>): Widget[] {
  const out: Widget[] = [];
  for (const part of manifest.blueprint?.children ?? []) {
    const type = manifests.get(part.type);
    if (!type) continue;
    // A part's own blueprint is not applied: the registry only checks one level, and a type that
    // lists itself would never end.
    const { widget } = newWidget(type, names, { left: part.leftColumn, top: part.topRow });
    names.add(widget.widgetName);
    const box = { left: part.leftColumn, right: part.rightColumn, top: part.topRow, bottom: part.bottomRow };
    out.push(withBox({ ...widget, ...structuredClone(part.properties ?? {}) }, box));
  }
  return out;
}

/**
 * A widget with each tab of its `tabsObj` pointed through `ids` (old canvas id -> new one): a copy
 * of a tabs widget must name its own canvases, or its tabs would still select the original's.
 */
export function withTabCanvases(w: Widget, ids: ReadonlyMap<string, string>): Widget {
  const tabsObj = w["tabsObj"];
  if (tabsObj === null || typeof tabsObj !== "object" || Array.isArray(tabsObj)) return w;
  const tabs = Object.entries(tabsObj as Record<string, unknown>).map(([key, tab]) => {
    const id = tab !== null && typeof tab === "object" ? (tab as Record<string, unknown>)["widgetId"] : undefined;
    return [key, typeof id === "string" && ids.has(id) ? { ...(tab as Record<string, unknown>), widgetId: ids.get(id) } : tab];
  });
  return { ...w, tabsObj: Object.fromEntries(tabs) };
}

/** Every entity name the widget tree uses (the root included). */
export function namesIn(tree: Widget): Set<string> {
  return new Set([tree, ...allWidgets(tree)].map((w) => w.widgetName));
}

/** Keep only the widgets whose ancestors are not selected too (moving a container moves its content). */
export function topmost(tree: Widget, ids: readonly string[]): string[] {
  const set = new Set(ids);
  return ids.filter((id) => !ancestorsOf(tree, id).some((a) => set.has(idOf(a))));
}
