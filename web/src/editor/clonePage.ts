/**
 * Cloning a page: its widgets with fresh ids, its queries and JS objects, and every binding of the
 * copy (widgets, query configs, JS bodies) pointing at the copies. Names are per page, as in
 * Appsmith, so the copy keeps every name (`Table1` on the copy is the copy's own `Table1`); a
 * name changes only where the target page already uses it, and the bindings follow that change.
 */
import { analyse, BindingSyntaxError, type CodeMode } from "../engine/references";
import { hasBinding, splitSegments } from "../engine/segments";
import { childrenOf, idOf, newWidgetId, uniqueName, withTabCanvases, type Widget } from "./tree";

export type Names = ReadonlyMap<string, string>;

/** `code` with every reference whose root is renamed in `names` rewritten; unparsable code unchanged. */
export function renameInCode(code: string, names: Names, mode: CodeMode = "expression"): string {
  let refs;
  try {
    refs = analyse(code, mode).references;
  } catch (error) {
    if (!(error instanceof BindingSyntaxError)) throw error;
    if (mode !== "expression") return code;
    return renameInCode(code, names, "statements");
  }
  const starts = [...new Set(refs.filter((r) => names.has(r.root)).map((r) => `${r.start}:${r.root}`))]
    .map((k) => {
      const [at, root] = k.split(":") as [string, string];
      return { at: Number(at), root };
    })
    .sort((a, b) => b.at - a.at);
  let out = code;
  for (const { at, root } of starts) if (out.slice(at, at + root.length) === root) out = out.slice(0, at) + (names.get(root) as string) + out.slice(at + root.length);
  return out;
}

/** A stored value with the references inside its `{{ }}` bindings renamed, nested values included. */
export function renameInValue(value: unknown, names: Names): unknown {
  if (typeof value === "string") {
    if (!hasBinding(value)) return value;
    return splitSegments(value)
      .map((s) => (s.isBinding ? `{{${renameInCode(s.source, names)}}}` : s.source))
      .join("");
  }
  if (Array.isArray(value)) return value.map((v) => renameInValue(v, names));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameInValue(v, names)]));
  return value;
}

function freshName(name: string, taken: Set<string>): string {
  const fresh = taken.has(name) ? uniqueName(name.replace(/\d+$/, "") || "Widget", taken) : name;
  taken.add(fresh);
  return fresh;
}

export interface CloneSource<A, J> {
  readonly tree: Widget;
  readonly actions: readonly (A & { readonly name: string; readonly config: Record<string, unknown> })[];
  readonly jsObjects: readonly (J & { readonly name: string; readonly body: string })[];
  /** The names the target page uses already (none for a new page): only these change. */
  readonly taken?: ReadonlySet<string>;
}

export interface Cloned<A, J> {
  readonly tree: Widget;
  readonly actions: readonly { readonly from: A; readonly name: string; readonly config: Record<string, unknown> }[];
  readonly jsObjects: readonly { readonly from: J; readonly name: string; readonly body: string }[];
  readonly names: Names;
}

export function clonePageContent<A, J>(source: CloneSource<A, J>): Cloned<A, J> {
  const taken = new Set(source.taken ?? []);
  const names = new Map<string, string>();
  const ids = new Map<string, string>();
  const walk = (w: Widget, root: boolean): void => {
    if (!root) {
      names.set(w.widgetName, freshName(w.widgetName, taken));
      ids.set(idOf(w), newWidgetId());
    }
    childrenOf(w).forEach((c) => walk(c, false));
  };
  walk(source.tree, true);
  for (const a of source.actions) names.set(a.name, freshName(a.name, taken));
  for (const j of source.jsObjects) names.set(j.name, freshName(j.name, taken));

  const copy = (w: Widget, root: boolean): Widget => {
    const props = renameInValue(Object.fromEntries(Object.entries(w).filter(([k]) => k !== "children" && k !== "widgetId" && k !== "widgetName")), names) as Record<string, unknown>;
    const copied = {
      ...props,
      widgetId: root ? w.widgetId : (ids.get(idOf(w)) as string),
      widgetName: root ? w.widgetName : (names.get(w.widgetName) as string),
      ...(w.children ? { children: w.children.map((c) => copy(c, false)) } : {}),
    } as Widget;
    return withTabCanvases(copied, ids);
  };
  return {
    tree: copy(source.tree, true),
    actions: source.actions.map((a) => ({ from: a, name: names.get(a.name) as string, config: renameInValue(a.config, names) as Record<string, unknown> })),
    jsObjects: source.jsObjects.map((j) => ({ from: j, name: names.get(j.name) as string, body: renameInCode(j.body, names, "module") })),
    names,
  };
}

/** `Orders copy`, `Orders copy 2`, ...: a page name nobody uses. */
export function copyName(name: string, taken: ReadonlySet<string>): string {
  const base = `${name} copy`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i += 1) if (!taken.has(`${base} ${i}`)) return `${base} ${i}`;
}
