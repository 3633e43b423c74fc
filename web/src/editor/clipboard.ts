/**
 * Copy and paste of widgets. The clipboard holds plain copies of widget subtrees (also kept in
 * localStorage, so a paste works on another page of the app); a paste gives every pasted widget a
 * new id, keeps its name unless the page already uses it (names are per page, so a widget pasted
 * on another page keeps its name, as in Appsmith; on its own page it gets a free one), points the
 * group's references to its own members at their copies, and puts the group below what the target
 * container already holds.
 */
import { floats } from "../widgets/editorHints";
import { renameInValue, type Names } from "./clonePage";
import { contentRows } from "./grid";
import { allWidgets, boxOf, childrenOf, findWidget, idOf, namesIn, newWidgetId, placeWidgets, topmost, uniqueName, withBox, withTabCanvases, type Widget } from "./tree";

export const CLIPBOARD_KEY = "lowcraft.editor.clipboard";

export interface Clip {
  readonly widgets: readonly Widget[];
}

export function copyWidgets(tree: Widget, ids: readonly string[]): Clip {
  const widgets = topmost(tree, ids)
    .map((id) => findWidget(tree, id))
    .filter((w): w is Widget => w !== undefined && idOf(w) !== idOf(tree));
  return { widgets: structuredClone(widgets) as Widget[] };
}

/** `name` when the page does not use it, else `Table1` -> `Table2` (the first free number for the same base). */
function freshName(name: string, taken: Set<string>): string {
  const base = name.replace(/\d+$/, "") || "Widget";
  const fresh = taken.has(name) ? uniqueName(base, taken) : name;
  taken.add(fresh);
  return fresh;
}

/** A copy of the subtree with fresh ids and names; `ids` and `names` collect each old one's new one. */
function renewed(w: Widget, taken: Set<string>, ids: Map<string, string>, names: Map<string, string>): Widget {
  const children = childrenOf(w).map((c) => renewed(c, taken, ids, names));
  const widgetId = newWidgetId();
  ids.set(idOf(w), widgetId);
  const widgetName = freshName(w.widgetName, taken);
  names.set(w.widgetName, widgetName);
  return withTabCanvases({ ...w, widgetId, widgetName, ...(w.children ? { children } : {}) }, ids);
}

/**
 * The subtree with every binding's references to members of the pasted group pointed at their
 * copies (`names`: old name -> copy's name); references to anything else are left alone, so a
 * pasted pair Text/Input reads its own Input while a pasted Text alone keeps reading the original.
 */
function rebound(w: Widget, names: Names): Widget {
  const { children, widgetId, widgetName, ...props } = w;
  return {
    ...(renameInValue(props, names) as Record<string, unknown>),
    widgetId,
    widgetName,
    ...(children ? { children: children.map((c) => rebound(c, names)) } : {}),
  } as Widget;
}

/**
 * Paste into the container `parentId`: the group keeps its relative layout, starts below the
 * container's content, and the new tree selects the pasted widgets (returned as `ids`).
 */
export function pasteWidgets(tree: Widget, clip: Clip, parentId: string, codeNames: ReadonlySet<string> = new Set()): { tree: Widget; ids: string[] } {
  const parent = findWidget(tree, parentId);
  if (!parent || clip.widgets.length === 0) return { tree, ids: [] };
  const taken = new Set([...namesIn(tree), ...codeNames]);
  const boxes = clip.widgets.map(boxOf);
  const groupTop = Math.min(...boxes.map((b) => b.top));
  const below = contentRows(childrenOf(parent).filter((c) => !floats(c.type)).map(boxOf));
  const names = new Map<string, string>();
  const copies = clip.widgets.map((w) => renewed(w, taken, new Map(), names));
  const placed = clip.widgets.map((w, i) => {
    const fresh = rebound(copies[i] as Widget, names);
    const b = boxOf(w);
    const shift = floats(w.type) ? 0 : below - groupTop;
    return { widget: withBox(fresh, b), box: { ...b, top: b.top + shift, bottom: b.bottom + shift } };
  });
  return { tree: placeWidgets(tree, parentId, placed), ids: placed.map((p) => idOf(p.widget)) };
}

/** Names inside a clip (the pasted copies keep them where the page does not use them). */
export function clipNames(clip: Clip): string[] {
  return clip.widgets.flatMap((w) => [w.widgetName, ...allWidgets(w).map((c) => c.widgetName)]);
}

export function saveClip(storage: Storage, clip: Clip): void {
  storage.setItem(CLIPBOARD_KEY, JSON.stringify(clip));
}

export function loadClip(storage: Storage): Clip | null {
  try {
    const parsed = JSON.parse(storage.getItem(CLIPBOARD_KEY) ?? "null") as Clip | null;
    return parsed && Array.isArray(parsed.widgets) ? parsed : null;
  } catch {
    return null;
  }
}
