/** The server calls the editor makes (`/api/v1`), typed. */
import type { JsFunctionSettings } from "../engine/page";
import type * as Schema from "../api/generated";
import { api, ApiError } from "../api/http";
import type { PageSummary } from "../api/resources";
import type { ExecutionResponse } from "../runtime/serverActions";
import type { WidgetManifest } from "../engine/manifest";
import { StaleRevisionError } from "./autosave";
import type { Widget } from "./tree";

export interface PageDetail extends PageSummary {
  readonly dsl: Widget;
}

export interface AppSettingsValue {
  readonly navigation?: "top" | "side";
  readonly frameAncestors?: readonly string[];
  readonly defaultPage?: string;
}

export interface AppDetail {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly slug: string;
  readonly icon: string | null;
  readonly theme: Record<string, string>;
  readonly settings: AppSettingsValue & Record<string, unknown>;
  readonly isPublic: boolean;
  readonly isPublished: boolean;
  readonly role?: string;
  readonly pages: readonly PageSummary[];
}

export type ActionSettingsValue = Schema.ActionSettings;

export interface ActionRecord {
  readonly id: string;
  readonly pageId: string;
  readonly name: string;
  readonly datasourceId: string;
  readonly connector: string;
  readonly config: Record<string, unknown>;
  readonly settings: ActionSettingsValue;
}

/** What the editor saves of a JS object after a pause in typing. */
export type JsChanges = { readonly body?: string; readonly settings?: Readonly<Record<string, JsFunctionSettings>> };

export interface JsObjectRecord {
  readonly id: string;
  readonly pageId: string;
  readonly name: string;
  readonly body: string;
  /** Per function: run on page load, confirm before calling (functions not listed: both off). */
  readonly settings?: Readonly<Record<string, JsFunctionSettings>>;
}

export type ConnectorInfo = Schema.ConnectorInfo;

export interface DatasourceRecord {
  readonly id: string;
  readonly name: string;
  readonly connector: string;
  readonly configs: Record<string, Record<string, unknown>>;
  readonly environments: readonly string[];
}

export interface StructureTable {
  readonly name: string;
  readonly schema?: string;
  readonly kind?: string;
  readonly columns: readonly { readonly name: string; readonly type?: string; readonly nullable?: boolean; readonly primaryKey?: boolean }[];
}

/** A run of a query as the editor shows it: the execute endpoint's answer and the request it sent. */
export interface Execution extends ExecutionResponse {
  readonly request?: unknown;
}

const enc = encodeURIComponent;

export const editorApi = {
  application: (id: string) => api<AppDetail>(`/applications/${enc(id)}`),
  updateApplication: (id: string, changes: Record<string, unknown>) => api<AppDetail>(`/applications/${enc(id)}`, { method: "PATCH", body: changes }),
  publish: (id: string, message = "") =>
    api<AppDetail>(`/applications/${enc(id)}/publish`, { method: "POST", body: message ? { message } : {} }),
  /** Rename an entity of page `pageId` (names are per page) and that page's references to it. */
  refactor: (appId: string, old: string, name: string, pageId?: string) =>
    api<Schema.RefactorResult>(`/applications/${enc(appId)}/refactor`, { method: "POST", body: { old, new: name, ...(pageId ? { pageId } : {}) } }),
  lint: (appId: string) => api<Schema.LintResult>(`/applications/${enc(appId)}/lint`),
  widgets: () => api<{ widgets: WidgetManifest[] }>("/widgets"),

  page: (id: string) => api<PageDetail>(`/pages/${enc(id)}`),
  createPage: (appId: string, name: string) => api<PageDetail>(`/applications/${enc(appId)}/pages`, { method: "POST", body: { name } }),
  updatePage: (id: string, changes: { name?: string; hidden?: boolean }) => api<PageSummary>(`/pages/${enc(id)}`, { method: "PATCH", body: changes }),
  deletePage: (id: string) => api<void>(`/pages/${enc(id)}`, { method: "DELETE" }),
  setDefaultPage: (id: string) => api<PageSummary>(`/pages/${enc(id)}/set-default`, { method: "POST" }),
  reorderPages: (appId: string, pageIds: readonly string[]) =>
    api<{ pages: PageSummary[] }>(`/applications/${enc(appId)}/pages/reorder`, { method: "POST", body: { pageIds } }),
  async saveTree(pageId: string, dsl: Widget, revision: number): Promise<{ revision: number; diagnostics: unknown[] }> {
    try {
      return await api<{ revision: number; diagnostics: unknown[] }>(`/pages/${enc(pageId)}/dsl`, { method: "PUT", body: { dsl, revision } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.code === "stale_revision") {
        // ApiError keeps no details: ask the page for the revision it is at now.
        const current = await api<PageSummary>(`/pages/${enc(pageId)}`).then((p) => p.revision, () => null);
        throw new StaleRevisionError(current);
      }
      throw error;
    }
  },

  actions: (appId: string) => api<{ actions: ActionRecord[] }>(`/applications/${enc(appId)}/actions`).then((r) => r.actions),
  createAction: (appId: string, body: { pageId: string; name: string; datasourceId: string; config: Record<string, unknown>; settings?: ActionSettingsValue }) =>
    api<ActionRecord>(`/applications/${enc(appId)}/actions`, { method: "POST", body }),
  updateAction: (id: string, changes: Record<string, unknown>) => api<ActionRecord>(`/actions/${enc(id)}`, { method: "PATCH", body: changes }),
  deleteAction: (id: string) => api<void>(`/actions/${enc(id)}`, { method: "DELETE" }),
  execute: (id: string, appId: string, params: Record<string, unknown>, environment = "production") =>
    api<Execution>(`/actions/${enc(id)}/execute`, { method: "POST", body: { params, mode: "edit", applicationId: appId, environment } }),

  jsObjects: (appId: string) => api<{ jsObjects: JsObjectRecord[] }>(`/applications/${enc(appId)}/js-objects`).then((r) => r.jsObjects),
  createJsObject: (appId: string, body: { pageId: string; name: string; body?: string; settings?: Readonly<Record<string, JsFunctionSettings>> }) =>
    api<JsObjectRecord>(`/applications/${enc(appId)}/js-objects`, { method: "POST", body }),
  updateJsObject: (id: string, changes: JsChanges & { readonly name?: string }) => api<JsObjectRecord>(`/js-objects/${enc(id)}`, { method: "PATCH", body: changes }),
  deleteJsObject: (id: string) => api<void>(`/js-objects/${enc(id)}`, { method: "DELETE" }),

  connectors: () => api<{ connectors: ConnectorInfo[] }>("/connectors").then((r) => r.connectors),
  datasources: (workspaceId: string) => api<{ datasources: DatasourceRecord[] }>(`/workspaces/${enc(workspaceId)}/datasources`).then((r) => r.datasources),
  createDatasource: (workspaceId: string, body: { name: string; connector: string; configs: Record<string, Record<string, unknown>> }) =>
    api<DatasourceRecord>(`/workspaces/${enc(workspaceId)}/datasources`, { method: "POST", body }),
  updateDatasource: (id: string, body: { name?: string; configs?: Record<string, Record<string, unknown>>; removeEnvironments?: readonly string[]; connector?: string }) =>
    api<DatasourceRecord>(`/datasources/${enc(id)}`, { method: "PATCH", body }),
  testUnsaved: (workspaceId: string, connector: string, config: Record<string, unknown>) =>
    api<Record<string, unknown>>(`/workspaces/${enc(workspaceId)}/datasources/test`, { method: "POST", body: { connector, config } }),
  testDatasource: (id: string, environment = "production") =>
    api<Record<string, unknown>>(`/datasources/${enc(id)}/test?environment=${enc(environment)}`, { method: "POST" }),
  structure: (id: string) => api<{ ok: boolean; tables: StructureTable[]; error?: { message?: string } }>(`/datasources/${enc(id)}/structure`),
};

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
