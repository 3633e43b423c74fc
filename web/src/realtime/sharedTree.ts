/**
 * A page's widget tree in the application's shared document (docs/realtime.md):
 * `doc.getMap("pages").get(pageId).get("tree")` is a Y.Map widgetId -> Y.Map of the widget's
 * properties (plain JSON values), with the children's order as a "children" Y.Array of ids. A
 * property someone typed into in a code field is a Y.Text (`sharedBindings.ts`): it reads as its
 * string (an empty one as no value), and a new string for it edits the text in place.
 *
 * The editor keeps working on immutable trees (`tree.ts`); this module turns an edited tree into
 * the smallest set of Yjs changes (one property set, one id inserted into a children list), so two
 * people changing different widgets or different properties both keep their changes, and reads the
 * document back into a tree that reuses the unchanged widget objects (the engine then hears of
 * property changes, not a reload, and React re-renders only what changed).
 */
import * as Y from "yjs";

import type { WidgetNode } from "../engine/page";

type Widget = WidgetNode;

const CHILDREN = "children";

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const idOf = (w: Widget): string => w.widgetId ?? w.widgetName;

export function pageMap(doc: Y.Doc, pageId: string): Y.Map<unknown> | undefined {
  const page = doc.getMap("pages").get(pageId);
  return page instanceof Y.Map ? (page as Y.Map<unknown>) : undefined;
}

export function treeMap(doc: Y.Doc, pageId: string): Y.Map<Y.Map<unknown>> | undefined {
  const tree = pageMap(doc, pageId)?.get("tree");
  return tree instanceof Y.Map ? (tree as Y.Map<Y.Map<unknown>>) : undefined;
}

/** The id of the tree's root: "0" (the page canvas) when present, else the widget no one holds. */
function rootId(tree: Y.Map<Y.Map<unknown>>): string | undefined {
  if (tree.has("0")) return "0";
  const held = new Set<string>();
  tree.forEach((w) => {
    const c = w.get(CHILDREN);
    if (c instanceof Y.Array) for (const id of c.toArray()) held.add(String(id));
  });
  for (const id of tree.keys()) if (!held.has(id)) return id;
  return undefined;
}

/**
 * The page's tree as the editor's immutable widgets, reusing the objects of `previous` where
 * nothing changed. A widget listed by two parents (two people moved it at once) appears once, under
 * the first; ids with no widget (deleted by someone else) are skipped.
 */
export function readTree(doc: Y.Doc, pageId: string, previous: Widget | null = null): Widget | null {
  const tree = treeMap(doc, pageId);
  if (!tree) return null;
  const named = pageMap(doc, pageId)?.get("rootId");
  const root = typeof named === "string" && tree.has(named) ? named : rootId(tree);
  if (root === undefined) return null;
  const before = new Map<string, Widget>();
  const index = (w: Widget) => {
    before.set(idOf(w), w);
    for (const c of w.children ?? []) index(c);
  };
  if (previous) index(previous);
  const seen = new Set<string>();
  const build = (id: string): Widget | null => {
    const ymap = tree.get(id);
    if (!(ymap instanceof Y.Map) || seen.has(id)) return null;
    seen.add(id);
    const props: Record<string, unknown> = {};
    let children: Widget[] | undefined;
    ymap.forEach((value, key) => {
      if (key === CHILDREN) {
        if (value instanceof Y.Array) children = value.toArray().map((c) => build(String(c))).filter((c): c is Widget => c !== null);
      } else if (value instanceof Y.Text) {
        // A typed-in property: empty is no value (what clearing a code field means).
        if (value.length > 0) props[key] = value.toString();
      } else props[key] = value instanceof Y.AbstractType ? value.toJSON() : value;
    });
    if (props["widgetId"] === undefined) props["widgetId"] = id;
    const old = before.get(id);
    if (old && sameWidget(old, props, children)) return old;
    return (children ? { ...props, children } : props) as unknown as Widget;
  };
  return build(root);
}

function sameWidget(old: Widget, props: Record<string, unknown>, children: Widget[] | undefined): boolean {
  const oldChildren = old.children;
  if ((oldChildren === undefined) !== (children === undefined)) return false;
  if (oldChildren && children && (oldChildren.length !== children.length || oldChildren.some((c, i) => c !== children[i]))) return false;
  const keys = Object.keys(old).filter((k) => k !== CHILDREN);
  if (keys.length !== Object.keys(props).length) return false;
  return keys.every((k) => k in props && jsonEqual(old[k], props[k]));
}

/** Indices of a longest common subsequence of `a` and `b` (both short: one container's children). */
function common(a: readonly string[], b: readonly string[]): [Set<number>, Set<number>] {
  const n = a.length;
  const m = b.length;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const at = (i: number, j: number): number => (table[i] as number[])[j] as number;
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) (table[i] as number[])[j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
  }
  const inA = new Set<number>();
  const inB = new Set<number>();
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      inA.add(i);
      inB.add(j);
      i += 1;
      j += 1;
    } else if (at(i + 1, j) >= at(i, j + 1)) i += 1;
    else j += 1;
  }
  return [inA, inB];
}

/**
 * Apply the change from `before` to `after` (two orders of one container's children) to the
 * document's list, which others may have changed meanwhile: ids that left are deleted where they
 * are now, ids that arrived (or moved) are inserted after the sibling that precedes them in
 * `after`, so someone else's insertion in between stays.
 */
function patchIds(yarr: Y.Array<string>, before: readonly string[], after: readonly string[]): void {
  const [keptBefore, keptAfter] = common(before, after);
  const leaving = new Set(before.filter((_, i) => !keptBefore.has(i)));
  const current = yarr.toArray().map(String);
  for (let i = current.length - 1; i >= 0; i -= 1) if (leaving.has(current[i] as string)) yarr.delete(i, 1);
  after.forEach((id, j) => {
    if (keptAfter.has(j)) return;
    const now = yarr.toArray().map(String);
    const old = now.indexOf(id);
    if (old >= 0) yarr.delete(old, 1);
    const list = old >= 0 ? yarr.toArray().map(String) : now;
    let pos = 0;
    for (let p = j - 1; p >= 0; p -= 1) {
      const k = list.indexOf(after[p] as string);
      if (k >= 0) {
        pos = k + 1;
        break;
      }
    }
    yarr.insert(pos, [id]);
  });
}

/**
 * Make a Y.Text read `next` by replacing only the middle that changed (the common start and end
 * stay, so someone else's typing elsewhere in the text is kept).
 */
export function replaceText(text: Y.Text, next: string): void {
  const current = text.toString();
  if (current === next) return;
  let start = 0;
  const max = Math.min(current.length, next.length);
  while (start < max && current[start] === next[start]) start += 1;
  let end = 0;
  while (end < max - start && current[current.length - 1 - end] === next[next.length - 1 - end]) end += 1;
  if (current.length - start - end > 0) text.delete(start, current.length - start - end);
  const insert = next.slice(start, next.length - end);
  if (insert) text.insert(start, insert);
}

function createWidget(tree: Y.Map<Y.Map<unknown>>, w: Widget): void {
  const ymap = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(w)) if (key !== CHILDREN && value !== undefined) ymap.set(key, value);
  if (w.children) ymap.set(CHILDREN, Y.Array.from(w.children.map(idOf)));
  tree.set(idOf(w), ymap);
}

/**
 * Write one edit of a page into the shared document: the difference from `base` (the tree the
 * edit was made on) to `next`, and only that: properties set or unset, widgets added or removed,
 * children lists patched. What others changed meanwhile in the document is left as it is (a
 * widget someone deleted stays deleted). Call inside `doc.transact(..., origin)`.
 */
export function writeTree(doc: Y.Doc, pageId: string, base: Widget, next: Widget): void {
  if (base === next) return;
  const tree = treeMap(doc, pageId);
  if (!tree) throw new Error(`Page ${pageId} is not in the shared document.`);
  const old = new Map<string, Widget>();
  const index = (w: Widget) => {
    old.set(idOf(w), w);
    for (const c of w.children ?? []) index(c);
  };
  index(base);
  const present = new Set<string>();
  const visit = (w: Widget) => {
    const id = idOf(w);
    present.add(id);
    const b = old.get(id);
    if (b === w) {
      // The same object: nothing changed below it either.
      const mark = (x: Widget) => {
        present.add(idOf(x));
        for (const c of x.children ?? []) mark(c);
      };
      mark(w);
      return;
    }
    if (b === undefined) {
      if (!tree.has(id)) createWidget(tree, w);
    } else {
      const ymap = tree.get(id);
      if (ymap instanceof Y.Map) {
        for (const key of new Set([...Object.keys(b), ...Object.keys(w)])) {
          if (key === CHILDREN || jsonEqual(b[key], w[key])) continue;
          const held = ymap.get(key);
          const value = w[key];
          if (held instanceof Y.Text && (typeof value === "string" || value === undefined)) replaceText(held, value ?? "");
          else if (value === undefined) ymap.delete(key);
          else ymap.set(key, value);
        }
        const before = (b.children ?? []).map(idOf);
        const after = (w.children ?? []).map(idOf);
        if (w.children && !(ymap.get(CHILDREN) instanceof Y.Array)) ymap.set(CHILDREN, new Y.Array<string>());
        const yarr = ymap.get(CHILDREN);
        if (yarr instanceof Y.Array) patchIds(yarr as Y.Array<string>, before, after);
      }
    }
    for (const c of w.children ?? []) visit(c);
  };
  visit(next);
  for (const id of old.keys()) if (!present.has(id)) tree.delete(id);
}
