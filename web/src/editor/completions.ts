/**
 * Autocomplete inside `{{ }}`: entity names, their properties from the manifests and the live
 * data tree (one level at a time, `Table1.selectedRow.` lists the row's fields), and the global
 * functions with their signatures. Pure: the code editor asks with the text before the cursor.
 */
import type { WidgetManifest } from "../engine/manifest";

export interface EntityInfo {
  readonly name: string;
  readonly kind: "widget" | "query" | "js" | "global";
  /** Widget type, or "query"/"JS object". */
  readonly detail: string;
  /** Names known ahead of evaluation (manifest names, action members), with their help. */
  readonly members: ReadonlyMap<string, string>;
  /** The live values from the engine. */
  readonly value: unknown;
}

export interface Completion {
  readonly label: string;
  readonly type: "variable" | "property" | "function" | "class";
  readonly detail?: string;
  readonly info?: string;
}

export interface CompletionResult {
  /** Offset in the text where the word being completed starts. */
  readonly from: number;
  readonly options: readonly Completion[];
}

export const GLOBAL_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ["showAlert", "(message: string, style?: 'info' | 'success' | 'warning' | 'error')"],
  ["navigateTo", "(pageNameOrUrl: string, params?: object, target?: 'SAME_WINDOW' | 'NEW_WINDOW')"],
  ["storeValue", "(key: string, value: any, persist?: boolean)"],
  ["removeValue", "(key: string)"],
  ["clearStore", "()"],
  ["showModal", "(modalName: string)"],
  ["closeModal", "(modalName: string)"],
  ["resetWidget", "(widgetName: string, resetChildren?: boolean)"],
  ["download", "(data: any, fileName: string, fileType?: string)"],
  ["copyToClipboard", "(text: string)"],
  ["setInterval", "(callback: () => void, ms: number, id?: string)"],
  ["clearInterval", "(id: string)"],
  ["postWindowMessage", "(message: any, source: string, targetOrigin: string)"],
]);

const ACTION_MEMBERS: ReadonlyMap<string, string> = new Map([
  ["data", "The last result"],
  ["isLoading", "True while running"],
  ["responseMeta", "Status, headers and success of the last run"],
  ["error", "Why the last run failed (undefined when it succeeded)"],
  ["run", "(params?: object) or (onSuccess?, onError?, params?): Promise"],
  ["clear", "(): Promise"],
]);

const APPSMITH_MEMBERS: ReadonlyMap<string, string> = new Map([
  ["store", "Values saved with storeValue"],
  ["user", "The signed-in user"],
  ["URL", "The page address and its query parameters"],
  ["theme", "The app theme"],
  ["mode", "'EDIT' or 'VIEW'"],
]);

const WIDGET_KEYS = ["widgetName", "name", "widgetId", "type", "leftColumn", "rightColumn", "topRow", "bottomRow", "isVisible"];

/** What a manifest lets bindings read from a widget, with help texts. */
export function widgetMembers(manifest: WidgetManifest | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const help = (x: object) => (x as { help?: string }).help ?? "";
  for (const p of manifest?.properties ?? []) out.set(p.name, help(p));
  for (const m of manifest?.meta ?? []) out.set(m.name, help(m));
  for (const d of manifest?.derived ?? []) out.set(d.name, help(d));
  for (const s of manifest?.setters ?? []) out.set(s.name, `(value): Promise. ${help(s)}`);
  for (const k of WIDGET_KEYS) if (!out.has(k)) out.set(k, "");
  return out;
}

export function queryEntity(name: string, value: unknown): EntityInfo {
  return { name, kind: "query", detail: "query", members: ACTION_MEMBERS, value };
}

export function appsmithEntity(value: unknown): EntityInfo {
  return { name: "appsmith", kind: "global", detail: "global", members: APPSMITH_MEMBERS, value };
}

/** What the app's JS libraries define (their accessors, with the members found when they loaded). */
export function libraryEntities(loads: readonly { readonly name: string; readonly accessor: readonly string[]; readonly members: Readonly<Record<string, readonly string[]>> }[]): EntityInfo[] {
  return loads.flatMap((load) =>
    load.accessor.map((accessor) => ({ name: accessor, kind: "global" as const, detail: `library ${load.name}`, members: new Map((load.members[accessor] ?? []).map((m) => [m, ""])), value: {} })),
  );
}

/** Is the cursor inside `{{ }}` (after the last `{{` that has no `}}` yet)? */
export function insideBinding(textBefore: string): boolean {
  const open = textBefore.lastIndexOf("{{");
  return open >= 0 && textBefore.indexOf("}}", open) < 0;
}

function keysOf(value: unknown): string[] {
  if (value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return ["length"];
  return Object.keys(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value === null) return "null";
  if (typeof value === "function") return "function";
  return typeof value;
}

export function complete(textBefore: string, entities: readonly EntityInfo[]): CompletionResult | null {
  const match = /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)?(\.)?([A-Za-z_$][\w$]*)?$/.exec(textBefore);
  if (!match || match[0] === "") {
    return { from: textBefore.length, options: topLevel(entities) };
  }
  const path = match[1];
  const dot = match[2];
  const word = match[3] ?? "";
  // `Foo` alone: a top-level name; `Foo.bar` or `Foo.`: members of Foo.
  if (!dot) {
    const parts = (path ?? "").split(".");
    const partial = parts.pop() ?? "";
    if (parts.length === 0) {
      return { from: textBefore.length - partial.length, options: topLevel(entities).filter((o) => o.label.toLowerCase().startsWith(partial.toLowerCase())) };
    }
    return members(parts, partial, textBefore.length - partial.length, entities);
  }
  return members((path ?? "").split("."), word, textBefore.length - word.length, entities);
}

function topLevel(entities: readonly EntityInfo[]): Completion[] {
  return [
    ...entities.map((e) => ({ label: e.name, type: (e.kind === "global" ? "variable" : "class") as Completion["type"], detail: e.detail })),
    ...[...GLOBAL_FUNCTIONS].map(([label, signature]) => ({ label, type: "function" as const, detail: signature })),
  ];
}

function members(path: readonly string[], partial: string, from: number, entities: readonly EntityInfo[]): CompletionResult | null {
  const [root, ...rest] = path;
  const entity = entities.find((e) => e.name === root);
  if (!entity) return null;
  let value: unknown = entity.value;
  for (const k of rest) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[k] : undefined;
  const options = new Map<string, Completion>();
  if (rest.length === 0) {
    for (const [name, help] of entity.members) {
      const v = (value as Record<string, unknown> | undefined)?.[name];
      const isFn = help.startsWith("(");
      options.set(name, { label: name, type: isFn ? "function" : "property", detail: isFn ? help : describe(v), ...(isFn || help === "" ? {} : { info: help }) });
    }
  }
  for (const name of keysOf(value)) {
    if (options.has(name)) continue;
    const v = (value as Record<string, unknown>)[name];
    options.set(name, { label: name, type: typeof v === "function" ? "function" : "property", detail: describe(v) });
  }
  const list = [...options.values()].filter((o) => o.label.toLowerCase().startsWith(partial.toLowerCase()));
  return { from, options: list };
}

export interface SqlTable {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type?: string }[];
}

/** Table and column names of the query's datasource, for SQL outside bindings. */
export function sqlCompletions(textBefore: string, tables: readonly SqlTable[]): CompletionResult | null {
  const match = /([A-Za-z_][\w]*\.)?([A-Za-z_][\w]*)?$/.exec(textBefore);
  const word = match?.[2] ?? "";
  const qualifier = match?.[1]?.slice(0, -1);
  const from = textBefore.length - word.length;
  if (qualifier) {
    const table = tables.find((t) => t.name.toLowerCase() === qualifier.toLowerCase() || t.name.toLowerCase().endsWith(`.${qualifier.toLowerCase()}`));
    if (!table) return null;
    return { from, options: table.columns.filter((c) => c.name.startsWith(word)).map((c) => ({ label: c.name, type: "property", detail: c.type ?? "column" })) };
  }
  if (word === "") return null;
  const options: Completion[] = [];
  for (const t of tables) {
    if (t.name.toLowerCase().startsWith(word.toLowerCase())) options.push({ label: t.name, type: "class", detail: "table" });
    for (const c of t.columns) if (c.name.toLowerCase().startsWith(word.toLowerCase())) options.push({ label: c.name, type: "property", detail: `${t.name} column` });
  }
  return { from, options };
}

/** Function members of a JS object body (`fn() {}`, `async fn() {}`, `fn: () => ...`, `fn: function () {}`). */
export function functionNames(body: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*(?:\([^)]*\)\s*\{|:\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>))/gm;
  for (let m = re.exec(body); m; m = re.exec(body)) if (!out.includes(m[1] as string) && !["if", "for", "while", "switch", "catch"].includes(m[1] as string)) out.push(m[1] as string);
  return out;
}
