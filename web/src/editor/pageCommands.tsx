/**
 * The editor's commands on the app's pages (add, rename, delete, clone, set as home, hide, move)
 * and on the app (publish): each runs on the server, then the editor shows the pages the server
 * now has; a failure becomes a toast.
 */
import type { MutableRefObject } from "react";

import type { PageSummary } from "../api/resources";
import type { AlertStyle } from "../engine/host";
import { clonePageContent, copyName } from "./clonePage";
import { editorApi, messageOf, type ActionRecord, type AppDetail, type DatasourceRecord, type JsObjectRecord } from "./editorApi";
import { uniqueName } from "./tree";
import type { EditedApp } from "./useEditorEngine";

type Update<T> = (update: T | ((before: T) => T)) => void;

export interface PageCommandContext {
  readonly appId: string;
  readonly app: AppDetail | null;
  readonly pageId: string | null;
  readonly pages: readonly PageSummary[];
  readonly actions: readonly ActionRecord[];
  readonly jsObjects: readonly JsObjectRecord[];
  readonly latest: MutableRefObject<EditedApp>;
  readonly setApp: (app: AppDetail) => void;
  readonly setPages: (pages: PageSummary[]) => void;
  readonly setActions: Update<ActionRecord[]>;
  readonly setJsObjects: Update<JsObjectRecord[]>;
  readonly setBusy: (what: string | null) => void;
  readonly toast: (message: string, style?: AlertStyle) => void;
  /** Saves everything pending (tree, queries, JS objects). */
  readonly flushAll: () => Promise<void>;
  readonly openPage: (id: string) => Promise<void>;
}

export function pageCommands(ctx: PageCommandContext) {
  const { appId, app, pages, actions, jsObjects, toast, setBusy } = ctx;

  const publish = async (): Promise<void> => {
    if (!app) return;
    setBusy("Publishing…");
    try {
      await ctx.flushAll();
      const published = await editorApi.publish(app.id);
      ctx.setApp({ ...app, ...published, pages: app.pages });
      toast("Published. Viewers now see this version.", "success");
    } catch (e) {
      toast(`Not published: ${messageOf(e)}`, "error");
    } finally {
      setBusy(null);
    }
  };

  const refreshPages = async (): Promise<void> => {
    const a = await editorApi.application(appId);
    ctx.setApp(a);
    ctx.setPages([...a.pages]);
  };

  /** A copy of a page with its queries and JS objects, keeping their names (names are per page), then opened. */
  const clonePage = async (id: string): Promise<void> => {
    setBusy("Cloning the page…");
    try {
      await ctx.flushAll();
      const source = await editorApi.page(id);
      // The copy is a new, empty page: every name is free on it and stays as it is.
      const cloned = clonePageContent({ tree: source.dsl, actions: actions.filter((a) => a.pageId === id), jsObjects: jsObjects.filter((j) => j.pageId === id) });
      const created = await editorApi.createPage(appId, copyName(source.name, new Set(pages.map((p) => p.name))));
      await editorApi.saveTree(created.id, cloned.tree, created.revision);
      const newActions: ActionRecord[] = [];
      for (const a of cloned.actions) newActions.push(await editorApi.createAction(appId, { pageId: created.id, name: a.name, datasourceId: a.from.datasourceId, config: a.config, settings: a.from.settings }));
      const newJs: JsObjectRecord[] = [];
      for (const j of cloned.jsObjects) newJs.push(await editorApi.createJsObject(appId, { pageId: created.id, name: j.name, body: j.body, settings: j.from.settings ?? {} }));
      ctx.setActions((l) => [...l, ...newActions]);
      ctx.setJsObjects((l) => [...l, ...newJs]);
      const latest = ctx.latest;
      latest.current = { ...latest.current, actions: [...latest.current.actions, ...newActions], jsObjects: [...latest.current.jsObjects, ...newJs] };
      await ctx.openPage(created.id);
      toast(`${source.name} cloned as ${created.name}`, "success");
    } finally {
      setBusy(null);
    }
  };

  const pageCommand = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
      await refreshPages();
    } catch (e) {
      toast(`${what}: ${messageOf(e)}`, "error");
    }
  };

  /** The explorer's page handlers. */
  const explorer = {
    onAddPage: () => void pageCommand("Could not add a page", async () => editorApi.createPage(appId, uniqueName("Page", new Set(pages.map((p) => p.name))))),
    onRenamePage: (id: string, name: string) => void pageCommand("Could not rename the page", () => editorApi.updatePage(id, { name })),
    onDeletePage: (id: string) =>
      void pageCommand("Could not delete the page", async () => {
        await editorApi.deletePage(id);
        if (id === ctx.pageId) {
          const other = pages.find((p) => p.id !== id);
          if (other) await ctx.openPage(other.id);
        }
      }),
    onClonePage: (id: string) => void pageCommand("Could not clone the page", () => clonePage(id)),
    onDefaultPage: (id: string) => void pageCommand("Could not set the home page", () => editorApi.setDefaultPage(id)),
    onHidePage: (id: string, hidden: boolean) => void pageCommand("Could not change the page", () => editorApi.updatePage(id, { hidden })),
    onMovePage: (id: string, delta: number) =>
      void pageCommand("Could not reorder", () => {
        const ids = pages.map((p) => p.id);
        const at = ids.indexOf(id);
        ids.splice(at, 1);
        ids.splice(at + delta, 0, id);
        return editorApi.reorderPages(appId, ids);
      }),
  };

  return { publish, refreshPages, explorer };
}

/** New query: which datasource does it read? */
export function PickDatasource(props: { datasources: readonly DatasourceRecord[]; onPick(d: DatasourceRecord): void }) {
  return (
    <div className="lc-ed-doc">
      <h2>New query</h2>
      <p>Which datasource does it read?</p>
      {props.datasources.map((d) => (
        <button key={d.id} type="button" className="lc-ed-gallery__item" onClick={() => props.onPick(d)}>
          {d.name}
        </button>
      ))}
    </div>
  );
}
