/**
 * Version history, the editor's side: the server calls and the pure shaping of what the History
 * panel shows (labels, changes grouped by page). Every publish keeps a version; a restore makes an
 * older one the edit state and is itself a new version (see docs/versions.md).
 */
import type * as Schema from "../api/generated";
import { api } from "../api/http";

export type VersionSummary = Schema.VersionSummary;
export type VersionComparison = Schema.VersionComparison;
export type EntityChange = Schema.EntityChangeOut;

/** Where a version id is expected in a comparison: the current edit state. */
export const EDIT_STATE = "edit";

const enc = encodeURIComponent;

export const versionsApi = {
  list: (appId: string, before?: number | null) =>
    api<Schema.VersionList>(`/applications/${enc(appId)}/versions?limit=20${before ? `&before=${before}` : ""}`),
  compare: (appId: string, from: string, to: string) =>
    api<VersionComparison>(`/applications/${enc(appId)}/versions/compare?from=${enc(from)}&to=${enc(to)}`),
  restore: (appId: string, versionId: string) =>
    api<VersionSummary>(`/applications/${enc(appId)}/versions/${enc(versionId)}/restore`, { method: "POST" }),
};

/** The viewer's address of a version: a read-only preview for the app's developers. */
export function versionViewHref(appId: string, versionId: string): string {
  return `/app/${enc(appId)}/versions/${enc(versionId)}`;
}

/** "Version 3", "Version 4 (restored 1)". */
export function versionTitle(v: Pick<VersionSummary, "number" | "kind" | "restoredFrom">): string {
  return v.kind === "restore" && v.restoredFrom !== null ? `Version ${v.number} (restored ${v.restoredFrom})` : `Version ${v.number}`;
}

/** "Ada Admin, 6 Dec 2026, 21:40" in the browser's locale and zone. */
export function versionByline(v: Pick<VersionSummary, "author" | "createdAt">, locale?: string): string {
  const when = new Date(v.createdAt).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
  return `${v.author || "someone"}, ${when}`;
}

const KIND_NAMES: Record<EntityChange["kind"], [string, string]> = {
  settings: ["setting", "settings"],
  datasource: ["datasource", "datasources"],
  page: ["page", "pages"],
  widget: ["widget", "widgets"],
  query: ["query", "queries"],
  jsObject: ["JS object", "JS objects"],
};

export function kindName(kind: EntityChange["kind"], count = 1): string {
  const [one, many] = KIND_NAMES[kind];
  return count === 1 ? one : many;
}

/** "1 widget changed, 1 widget added, 1 query changed" from the comparison's counts; "No changes" when empty. */
export function countsText(counts: VersionComparison["counts"]): string {
  const parts: string[] = [];
  for (const kind of Object.keys(KIND_NAMES) as EntityChange["kind"][]) {
    const c = counts[kind];
    if (!c) continue;
    for (const change of ["changed", "added", "removed"] as const) {
      const n = c[change] ?? 0;
      if (n > 0) parts.push(`${n} ${kindName(kind, n)} ${change}`);
    }
  }
  return parts.length === 0 ? "No changes" : parts.join(", ");
}

export interface ChangeGroup {
  /** "Application" or the page's name. */
  readonly title: string;
  readonly changes: readonly EntityChange[];
}

/** The changes under "Application" (settings, datasources), then one group per page in order met. */
export function groupChanges(changes: readonly EntityChange[]): ChangeGroup[] {
  const groups = new Map<string, EntityChange[]>();
  for (const c of changes) {
    const title = c.kind === "settings" || c.kind === "datasource" ? "Application" : c.kind === "page" ? c.name : (c.page ?? "");
    const list = groups.get(title) ?? [];
    list.push(c);
    groups.set(title, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === "Application" ? -1 : b === "Application" ? 1 : 0))
    .map(([title, list]) => ({ title, changes: list }));
}

/** A value of an entity as the comparison shows it: text as it is, anything else as indented JSON. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 2);
}

/** For a changed entity: each differing field with its value before and after. */
export function fieldChanges(change: EntityChange): { field: string; before: string; after: string }[] {
  if (change.change !== "changed") return [];
  const before = (change.before ?? {}) as Record<string, unknown>;
  const after = (change.after ?? {}) as Record<string, unknown>;
  if (change.kind === "settings") return [{ field: change.name, before: valueText(change.before), after: valueText(change.after) }];
  return change.fields.map((field) => ({ field, before: valueText(before[field]), after: valueText(after[field]) }));
}
