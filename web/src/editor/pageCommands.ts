/**
 * The editor's commands on the app's pages (add, rename, delete, clone, set as home, hide, move)
 * and on the app (publish): each runs on the server, then the editor shows the pages the server
 * now has; a failure becomes a toast.
 */
import type { MutableRefObject } from "react";

import type { PageSummary } from "../api/resources";
import type { AlertStyle } from "../engine/host";
import { clonePageContent, copyName } from "./clonePage";
import { editorApi, messageOf, type ActionRecord, type AppDetail, type JsObjectRecord } from "./editorApi";
import { versionsApi, type VersionSummary } from "./versionHistory";
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
  readonly openPage: (id: string, push?: boolean) => Promise<void>;
  /** Runs the edit state again in the engine (after queries or JS objects changed on the server). */
  readonly scheduleReload?: () => void;
}

export function pageCommands(ctx: PageCommandContext) {
  const { appId, app, pages, actions, jsObjects, toast, setBusy } = ctx;

  /** Publish, keeping `message` (optional) with the version the publish makes. */
  const publish = async (message = ""): Promise<void> => {
    if (!app) return;
    setBusy("Publishing…");
    try {
      await ctx.flushAll();
      const published = await editorApi.publish(app.id, message);
      ctx.setApp({ ...app, ...published, pages: app.pages });
      toast("Published. Viewers now see this version.", "success");
    } catch (e) {
      toast(`Not published: ${messageOf(e)}`, "error");
    } finally {
      setBusy(null);
    }
  };

  /** Restore a version as the edit state, then show what the edit state became (the page open
   * stays open when the version has it). A failure is the caller's to show (the History panel). */
  const restoreVersion = async (version: VersionSummary): Promise<void> => {
    setBusy("Restoring…");
    try {
      await ctx.flushAll();
      await versionsApi.restore(appId, version.id);
      const [a, acts, js] = await Promise.all([editorApi.application(appId), editorApi.actions(appId), editorApi.jsObjects(appId)]);
      ctx.setApp(a);
      ctx.setPages([...a.pages]);
      ctx.setActions(acts);
      ctx.setJsObjects(js);
      const target = a.pages.find((p) => p.id === ctx.pageId) ?? a.pages.find((p) => p.isDefault) ?? a.pages[0];
      if (target) await ctx.openPage(target.id, target.id !== ctx.pageId);
      ctx.scheduleReload?.();
      toast(`Version ${version.number} restored as the edit state. Publish to show it to viewers.`, "success");
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
      ctx.setActions((l) => appendOnce(l, newActions));
      ctx.setJsObjects((l) => appendOnce(l, newJs));
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

  return { publish, restoreVersion, refreshPages, explorer };
}

/**
 * `list` with `added` at its end, each once: with others in the app, the server's notice of a
 * query or JS object just made may have reloaded the list (with it) before the maker adds it.
 */
export function appendOnce<T extends { readonly id: string }>(list: readonly T[], added: readonly T[]): T[] {
  const ids = new Set(added.map((r) => r.id));
  return [...list.filter((r) => !ids.has(r.id)), ...added];
}
