/**
 * The editor's data loading: the application, widget manifests, queries, JS objects, connectors
 * and datasources when it opens (and again when the edit state changed on the server), a page
 * when one is opened or the address changes (back and forward), the engine started on a freshly
 * loaded page, and a datasource's structure for SQL autocomplete.
 */
import { useCallback, useEffect, useRef, type Dispatch, type MutableRefObject } from "react";

import { ApiError } from "../api/http";
import type { PageSummary } from "../api/resources";
import type { AlertStyle } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import { editorApi, messageOf, type ActionRecord, type AppDetail, type ConnectorInfo, type DatasourceRecord, type JsObjectRecord, type PageDetail, type StructureTable } from "./editorApi";
import type { EditorAction } from "./editorState";
import type { PageSaver } from "./autosave";
import type { useEditorEngine } from "./useEditorEngine";

type Update<T> = (update: T | ((before: T) => T)) => void;

export interface EditorLoadingContext {
  readonly appId: string;
  /** The page named by the address (its slug or id). */
  readonly pageKey: string;
  /** Bumped when the edit state changed on the server (a Git pull, a branch switch). */
  readonly loads: number;
  readonly pages: readonly PageSummary[];
  readonly pageId: string | null;
  readonly app: AppDetail | null;
  readonly manifestCount: number;
  /** The datasource of the query open, if any (its structure feeds SQL autocomplete). */
  readonly queryDatasourceId: string | undefined;
  readonly structures: Record<string, StructureTable[]>;
  readonly engine: ReturnType<typeof useEditorEngine>;
  readonly saver: MutableRefObject<PageSaver | null>;
  readonly track: (page: PageDetail) => void;
  readonly dispatch: Dispatch<EditorAction>;
  readonly setApp: (app: AppDetail) => void;
  readonly setPages: (pages: PageSummary[]) => void;
  readonly setManifests: (manifests: WidgetManifest[]) => void;
  readonly setActions: Update<ActionRecord[]>;
  readonly setJsObjects: Update<JsObjectRecord[]>;
  readonly setConnectors: (connectors: ConnectorInfo[]) => void;
  readonly setDatasources: (datasources: DatasourceRecord[]) => void;
  readonly setStructures: Update<Record<string, StructureTable[]>>;
  readonly setPageId: (id: string) => void;
  readonly setFocus: (focus: string) => void;
  readonly setProblem: (problem: string) => void;
  readonly toast: (message: string, style?: AlertStyle) => void;
}

/** Loads what the editor shows; returns `openPage` (save the page open, then show another). */
export function useEditorLoading(ctx: EditorLoadingContext): { openPage: (id: string, push?: boolean) => Promise<void> } {
  const { appId, pageKey, loads, pages, pageId, app, saver, track, dispatch, setPageId, setFocus, toast } = ctx;
  const { engine, reloadEngine, scheduleReload } = ctx.engine;
  const setters = useRef(ctx);
  setters.current = ctx;

  const shownPage = useRef<string | null>(null);
  const openPage = useCallback(
    async (id: string, push = true) => {
      await saver.current?.flush();
      const page = await editorApi.page(id);
      track(page);
      dispatch({ type: "load", tree: page.dsl });
      dispatch({ type: "select", ids: [] });
      setPageId(page.id);
      setFocus("canvas");
      shownPage.current = page.slug;
      // The address follows the page (the router is not told: the editor stays mounted).
      if (push) window.history.pushState(null, "", `/app/${encodeURIComponent(appId)}/edit/${encodeURIComponent(page.slug)}`);
    },
    [appId, saver, track, dispatch, setPageId, setFocus],
  );

  const requestedPage = useRef(pageKey);
  requestedPage.current = pageKey;

  useEffect(() => {
    let cancelled = false;
    const pageKey = requestedPage.current;
    const { setApp, setPages, setManifests, setActions, setJsObjects, setConnectors, setDatasources, setProblem } = setters.current;
    (async () => {
      const [a, w, acts, js, conns] = await Promise.all([editorApi.application(appId), editorApi.widgets(), editorApi.actions(appId), editorApi.jsObjects(appId), editorApi.connectors()]);
      if (cancelled) return;
      setApp(a);
      setPages([...a.pages]);
      setManifests(w.widgets);
      setActions(acts);
      setJsObjects(js);
      setConnectors(conns);
      editorApi.datasources(a.workspaceId).then(setDatasources, () => undefined);
      const page = a.pages.find((p) => p.id === pageKey || p.slug === pageKey) ?? a.pages.find((p) => p.isDefault) ?? a.pages[0];
      if (!page) throw new Error("This application has no pages.");
      const wanted = new URLSearchParams(window.location.search).get("datasource"); // the import report's links open a datasource
      await openPage(page.id, page.slug !== pageKey).then(() => !cancelled && wanted && setFocus(`datasource:${wanted}`));
      if (loads > 0) scheduleReload();
    })().catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) {
        window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
        return;
      }
      setProblem(error instanceof ApiError && error.status === 403 ? "Only developers and administrators of this workspace can edit the app." : messageOf(error));
    });
    return () => {
      cancelled = true;
    };
  }, [appId, openPage, loads, scheduleReload, setFocus]);

  // Back and forward between pages of the app: only a change of the address counts (the list of
  // pages changes too after a page command, while another page than the address's may be open).
  const pagesNow = useRef(pages);
  pagesNow.current = pages;
  useEffect(() => {
    if (shownPage.current === null || pageKey === shownPage.current) return;
    const page = pagesNow.current.find((p) => p.slug === pageKey || p.id === pageKey);
    if (page) openPage(page.id, false).catch((e: unknown) => toast(messageOf(e), "error"));
  }, [pageKey, openPage, toast]);

  // A freshly loaded page: evaluate it and run its on-load queries, as the app would.
  useEffect(() => {
    if (!pageId || !app || ctx.manifestCount === 0) return;
    reloadEngine()
      .then(() => engine.current?.runOnLoadActions())
      .catch((e: unknown) => console.error(e));
    // Only when the page (or what the engine needs to start) changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pageId, app?.id, ctx.manifestCount]);

  // Datasource structure for SQL autocomplete.
  const { queryDatasourceId: dsId, structures } = ctx;
  useEffect(() => {
    if (!dsId || structures[dsId]) return;
    const { setStructures } = setters.current;
    editorApi.structure(dsId).then(
      (s) => setStructures((x) => ({ ...x, [dsId]: s.ok ? s.tables : [] })),
      () => setStructures((x) => ({ ...x, [dsId]: [] })),
    );
  }, [dsId, structures]);

  return { openPage };
}
