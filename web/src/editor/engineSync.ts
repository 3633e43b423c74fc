/**
 * What the live engine needs to hear after an edit: property changes of existing widgets go in one
 * by one (cheap, keeps the widgets' state); anything structural (a widget added, removed, renamed
 * or moved to another container) reloads the page in the engine.
 */
import { IDENTITY_KEYS } from "../engine/manifest";
import { allWidgets, idOf, type Widget } from "./tree";

export interface PropertyChange {
  readonly widget: string;
  readonly name: string;
  readonly raw: unknown;
}

function parentIds(tree: Widget): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (w: Widget) => {
    for (const c of w.children ?? []) {
      out.set(idOf(c), idOf(w));
      visit(c);
    }
  };
  visit(tree);
  return out;
}

/** The property changes from `before` to `after`, or null when the engine must reload the page. */
export function propertyChanges(before: Widget, after: Widget): PropertyChange[] | null {
  if (before === after) return [];
  const old = new Map(allWidgets(before).map((w) => [idOf(w), w]));
  const now = allWidgets(after);
  if (old.size !== now.length) return null;
  const oldParents = parentIds(before);
  const newParents = parentIds(after);
  const changes: PropertyChange[] = [];
  for (const w of now) {
    const prev = old.get(idOf(w));
    if (!prev || prev.widgetName !== w.widgetName || prev.type !== w.type || oldParents.get(idOf(w)) !== newParents.get(idOf(w))) return null;
    if (prev === w) continue;
    const keys = new Set([...Object.keys(prev), ...Object.keys(w)]);
    for (const k of keys) {
      if (k === "children" || IDENTITY_KEYS.has(k) || prev[k] === w[k]) continue;
      // An unset property goes back to its default, which only a reload knows.
      if (!(k in w)) return null;
      changes.push({ widget: w.widgetName, name: k, raw: w[k] });
    }
  }
  return changes;
}
