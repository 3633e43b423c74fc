/**
 * The editor at `/app/{id}/edit/{page}`: explorer and palette on the left, the canvas (or a
 * query, JS object, datasource or the app settings) in the middle, the property pane on the right.
 * The live engine runs the edit state, so bindings show their values as they are typed; the page
 * tree autosaves with its revision; queries and JS objects save as they are edited. With others in
 * the app, the tree, queries and JS code are a shared document the server saves (useCoEditing).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";

import { ApiError } from "../api/http";
import type { PageSummary } from "../api/resources";
import type { AlertStyle } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import { entityNameProblem } from "../engine/names";
import Canvas, { type CanvasHandle } from "./Canvas";
import { functionNames } from "./completions";
import { DelayedSaves } from "./delayedSaves";
import { editorApi, messageOf, type ActionRecord, type AppDetail, type ConnectorInfo, type DatasourceRecord, type Execution, type JsChanges, type JsObjectRecord, type StructureTable } from "./editorApi";
import { editorReducer, initialState } from "./editorState";
import EditorTopBar from "./EditorTopBar";
import { DEFAULT_ENVIRONMENT } from "./environments";
import Explorer from "./Explorer";
import type { JsRun } from "./JsObjectEditor";
import Palette from "./Palette";
import { appendOnce, pageCommands } from "./pageCommands";
import { usePageNames } from "./pageNames";
import { allWidgets, boxOf, findWidget, idOf, newWidget, placeWidgets, removeWidgets, setProperty, uniqueName, type Widget } from "./tree";
import { useAutosave, useLeaveWarning } from "./useAutosave";
import { useBindingCompletion } from "./useBindingCompletion";
import { useCanvasKeyboard } from "./useCanvasKeyboard";
import { useCoEditing } from "./useCoEditing";
import { useEditorEngine, type EditedApp } from "./useEditorEngine";
import "./editor.css";

const PropertyPane = lazy(() => import("./PropertyPane"));
const QueryEditor = lazy(() => import("./QueryEditor"));
const JsObjectEditor = lazy(() => import("./JsObjectEditor"));
const DatasourceEditor = lazy(() => import("./DatasourceEditor"));
const [ConnectorGallery, PlaceholderDatasource] = [lazy(() => import("./DatasourceEditor").then((m) => ({ default: m.ConnectorGallery }))), lazy(() => import("./DatasourceEditor").then((m) => ({ default: m.PlaceholderDatasource })))];
const QueryDatasourcePicker = lazy(() => import("./DatasourceEditor").then((m) => ({ default: m.QueryDatasourcePicker })));
const [AppSettings, HistoryPanel, GitPanel] = [lazy(() => import("./AppSettings")), lazy(() => import("./HistoryPanel")), lazy(() => import("./GitPanel"))];

interface Toast { readonly id: number; readonly message: string; readonly style: AlertStyle }

const ACTION_SAVE_DELAY_MS = 500;
const EMPTY_TREE: Widget = { widgetId: "0", widgetName: "MainContainer", type: "CANVAS_WIDGET", leftColumn: 0, rightColumn: 64, topRow: 0, bottomRow: 100, children: [] };

export default function EditorRoute({ applicationId: appId, pageSlug: pageKey }: { applicationId: string; pageSlug: string }) {
  const [app, setApp] = useState<AppDetail | null>(null);
  const [pages, setPages] = useState<PageSummary[]>([]);
  const [manifests, setManifests] = useState<WidgetManifest[]>([]);
  const [pageId, setPageId] = useState<string | null>(null);
  const [doc, dispatch] = useReducer(editorReducer, EMPTY_TREE, initialState);
  const [actions, setActions] = useState<ActionRecord[]>([]);
  const [jsObjects, setJsObjects] = useState<JsObjectRecord[]>([]);
  const [datasources, setDatasources] = useState<DatasourceRecord[]>([]);
  const [connectors, setConnectors] = useState<ConnectorInfo[]>([]);
  const [structures, setStructures] = useState<Record<string, StructureTable[]>>({});
  const [focus, setFocus] = useState("canvas");
  const [leftTab, setLeftTab] = useState<"explorer" | "widgets">("widgets");
  const [preview, setPreview] = useState(false);
  const [executions, setExecutions] = useState<Record<string, Execution>>({});
  const [running, setRunning] = useState<string | null>(null);
  const [jsRuns, setJsRuns] = useState<Record<string, JsRun>>({});
  const [logs, setLogs] = useState<string[]>([]);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [environment, setEnvironment] = useState<string>(DEFAULT_ENVIRONMENT);
  const [loads, setLoads] = useState(0); // bumped when the edit state changed on the server (a Git pull, a branch switch)
  const runEnvironment = useRef(environment);
  runEnvironment.current = environment;

  const canvas = useRef<CanvasHandle | null>(null);
  const reloadLists = useRef<() => Promise<void>>(async () => undefined);
  const latest = useRef<EditedApp>({ doc, actions, jsObjects, pageId, app, manifests });
  latest.current = { doc, actions, jsObjects, pageId, app, manifests };
  const docNow = useRef(doc);
  docNow.current = doc;

  const manifestMap = useMemo(() => new Map(manifests.map((m) => [m.type, m])), [manifests]);
  const pageActions = useMemo(() => actions.filter((a) => a.pageId === pageId), [actions, pageId]);
  const pageJs = useMemo(() => jsObjects.filter((j) => j.pageId === pageId), [jsObjects, pageId]);

  const toast = useCallback((message: string, style: AlertStyle = "info") => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t, { id, message, style }]);
    window.setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 5000);
  }, []);

  const { engine, values, errors, onUpdate, reloadEngine, scheduleReload, syncTree, forgetActionData, libraryLoads, libraries } = useEditorEngine({ appId, latest, environment: runEnvironment, toast, setLogs, setExecutions });
  const coedit = useCoEditing({ appId, pageId, doc: docNow, selected: doc.selected, dispatch, setActions, setJsObjects, scheduleReload, toast, onReloaded: () => reloadLists.current(), forgetJsBody: (id) => delayed.current?.js.forget(id, "body") });
  const { saveState, saver, track, loaded } = useAutosave(doc.tree, syncTree, coedit.live); // live: the server folds the shared document

  // Queries and JS objects save after a pause in typing.
  const delayed = useRef<{ actions: DelayedSaves<Record<string, unknown>>; js: DelayedSaves<JsChanges> } | null>(null);
  delayed.current ??= {
    actions: new DelayedSaves((id, changes) => editorApi.updateAction(id, changes).then(() => undefined, (e: unknown) => toast(`Query not saved: ${messageOf(e)}`, "error")), ACTION_SAVE_DELAY_MS),
    js: new DelayedSaves((id, changes) => editorApi.updateJsObject(id, changes).then(() => undefined, (e: unknown) => toast(`JS object not saved: ${messageOf(e)}`, "error")), ACTION_SAVE_DELAY_MS),
  };
  const pendingSaves = delayed.current;

  // ------------------------------------------------------------------ loading

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
    [appId, saver, track],
  );

  const shownPage = useRef<string | null>(null);
  const requestedPage = useRef(pageKey);
  requestedPage.current = pageKey;

  useEffect(() => {
    let cancelled = false;
    const pageKey = requestedPage.current;
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
  }, [appId, openPage, loads, scheduleReload]);

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
    if (!pageId || !app || manifests.length === 0) return;
    reloadEngine()
      .then(() => engine.current?.runOnLoadActions())
      .catch((e: unknown) => console.error(e));
    // Only when the page (or what the engine needs to start) changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pageId, app?.id, manifests.length]);

  // Leaving with unsaved changes asks first.
  useLeaveWarning(() => saver.current?.hasUnsaved === true || pendingSaves.actions.size > 0 || pendingSaves.js.size > 0);

  // ------------------------------------------------------------------ editing

  const { commitTree, flush: flushShared } = coedit;
  const commit = useCallback((tree: Widget, select?: readonly string[], key?: string) => {
    if (!commitTree(tree, select)) dispatch({ type: "commit", tree, ...(select ? { select } : {}), ...(key ? { key } : {}) });
  }, [commitTree]);

  const flushAll = useCallback(async () => {
    await saver.current?.flush();
    await Promise.all([pendingSaves.actions.flush(), pendingSaves.js.flush(), flushShared()]);
  }, [pendingSaves, saver, flushShared]);

  const afterRename = useCallback(async () => {
    const pid = latest.current.pageId;
    const [acts, js] = await Promise.all([editorApi.actions(appId), editorApi.jsObjects(appId)]);
    setActions(acts);
    setJsObjects(js);
    if (pid && !coedit.live) { // live: the rewritten tree comes through the shared document
      const page = await editorApi.page(pid);
      track(page);
      dispatch({ type: "rewritten", tree: page.dsl });
    }
    latest.current = { ...latest.current, actions: acts, jsObjects: js };
    forgetActionData();
    await reloadEngine();
    await engine.current?.runOnLoadActions();
  }, [appId, engine, forgetActionData, reloadEngine, track, coedit.live]);

  const rename = useCallback(
    async (oldName: string, newName: string) => {
      if (oldName === newName) return;
      const problem = entityNameProblem(newName); // said at once, before the edits are flushed
      if (problem) {
        toast(`Could not rename ${oldName}: ${problem}`, "error");
        return;
      }
      setBusy(`Renaming ${oldName}…`);
      try {
        await flushAll();
        await editorApi.refactor(appId, oldName, newName, latest.current.pageId ?? undefined); // this page's entity (names are per page)
        await afterRename();
        toast(`${oldName} is now ${newName}; every reference on this page follows.`, "success");
      } catch (e) {
        toast(`Could not rename ${oldName}: ${messageOf(e)}`, "error");
      } finally {
        setBusy(null);
      }
    },
    [appId, afterRename, flushAll, toast],
  );

  // ------------------------------------------------------------------ queries and JS objects

  const { pageNames, codeNames } = usePageNames(latest); // names are per page
  useCanvasKeyboard({ doc: docNow, dispatch: coedit.dispatch, commit, manifests: manifestMap, active: !preview && focus === "canvas", codeNames });

  const { actionChange, jsChange } = coedit;
  const changeAction = useCallback(
    (id: string, changes: { config?: Record<string, unknown>; settings?: ActionRecord["settings"] }) => {
      const before = latest.current.actions.find((a) => a.id === id);
      setActions((list) => list.map((a) => (a.id === id ? { ...a, ...changes } : a)));
      const rest = before ? actionChange(before, changes) : changes; // what the shared document does not hold
      if (rest) pendingSaves.actions.change(id, rest);
      scheduleReload();
    },
    [pendingSaves, scheduleReload, actionChange],
  );

  const runQuery = useCallback(
    async (action: ActionRecord) => {
      setRunning(action.id);
      try {
        await flushAll();
        await reloadEngine();
        await engine.current?.runAction(action.name);
      } catch (e) {
        toast(`${action.name} failed: ${messageOf(e)}`, "error");
      } finally {
        setRunning(null);
      }
    },
    [engine, flushAll, reloadEngine, toast],
  );

  const addQuery = useCallback(
    async (datasource: DatasourceRecord, table: StructureTable | null = null) => {
      const pid = latest.current.pageId;
      if (!pid) return;
      const connector = connectors.find((c) => c.type === datasource.connector);
      const sqlLike = connector && "sql" in ((connector.querySchema["properties"] ?? {}) as object);
      const qualified = table ? (table.schema && table.schema !== "public" ? `${table.schema}.${table.name}` : table.name) : "";
      const config = sqlLike ? { sql: table ? `select * from ${qualified} limit 100` : "" } : {};
      try {
        const created = await editorApi.createAction(appId, { pageId: pid, name: uniqueName("Query", pageNames()), datasourceId: datasource.id, config });
        setActions((list) => appendOnce(list, [created]));
        setFocus(`query:${created.id}`);
        scheduleReload();
      } catch (e) {
        toast(`Could not create the query: ${messageOf(e)}`, "error");
      }
    },
    [pageNames, appId, connectors, scheduleReload, toast],
  );

  const changeJs = useCallback(
    (id: string, changes: JsChanges) => {
      const before = latest.current.jsObjects.find((j) => j.id === id);
      setJsObjects((list) => list.map((j) => (j.id === id ? { ...j, ...changes } : j)));
      const rest = before ? jsChange(before, changes) : changes;
      if (rest) pendingSaves.js.change(id, rest);
      scheduleReload();
    },
    [pendingSaves, scheduleReload, jsChange],
  );

  // Datasource structure for SQL autocomplete.
  const focusedAction = focus.startsWith("query:") ? actions.find((a) => a.id === focus.slice(6)) : undefined;
  useEffect(() => {
    const dsId = focusedAction?.datasourceId;
    if (!dsId || structures[dsId]) return;
    editorApi.structure(dsId).then(
      (s) => setStructures((x) => ({ ...x, [dsId]: s.ok ? s.tables : [] })),
      () => setStructures((x) => ({ ...x, [dsId]: [] })),
    );
  }, [focusedAction?.datasourceId, structures]);

  // ------------------------------------------------------------------ autocomplete

  /** The page's widgets by name, in the tree's order. */
  const widgetsByName = useMemo(() => {
    const byName = new Map<string, Widget>();
    for (const w of [doc.tree, ...allWidgets(doc.tree)]) if (!byName.has(w.widgetName)) byName.set(w.widgetName, w);
    return byName;
  }, [doc.tree]);

  const completeBinding = useBindingCompletion({ tree: doc.tree, widgetsByName, manifests: manifestMap, actions: pageActions, jsObjects: pageJs, values, libraries: libraryLoads });

  // ------------------------------------------------------------------ page-level commands

  const { publish, restoreVersion, refreshPages, explorer: pageHandlers } = pageCommands({
    appId, app, pageId, pages, actions, jsObjects, latest, setApp, setPages, setActions, setJsObjects, setBusy, toast, flushAll, openPage, scheduleReload,
  });
  // Someone changed the edit state through REST (a page added, a rename, an import): the lists again.
  reloadLists.current = () => Promise.all([refreshPages(), editorApi.actions(appId).then(setActions), editorApi.jsObjects(appId).then(setJsObjects)]).then(scheduleReload);

  // ------------------------------------------------------------------ render

  if (problem !== null) return <main className="lc-message" role="alert">{problem}</main>;
  if (!app || !pageId || coedit.mode === "pending") return <main className="lc-message" aria-busy="true">Loading the editor…</main>;

  const selectedWidget = doc.selected.length === 1 ? findWidget(doc.tree, doc.selected[0] as string) : undefined;
  const page = pages.find((p) => p.id === pageId);
  const choices = {
    queries: pageActions.map((a) => a.name),
    modals: [...widgetsByName.values()].filter((w) => w.type === "MODAL_WIDGET").map((w) => w.widgetName),
    pages: pages.map((p) => p.name),
    jsFunctions: pageJs.flatMap((j) => functionNames(j.body).map((f) => `${j.name}.${f}`)),
    workflows: pageJs.filter((j) => functionNames(j.body).includes("executeWorkflow")).map((j) => j.name),
  };
  const focusedJs = focus.startsWith("js:") ? jsObjects.find((j) => j.id === focus.slice(3)) : undefined;
  const focusedDs = focus.startsWith("datasource:") ? datasources.find((d) => d.id === focus.slice(11)) : undefined;
  const newConnector = focus.startsWith("connector:") ? connectors.find((c) => c.type === focus.slice(10)) : undefined;

  let center;
  if (focusedAction) {
    center = (
      <QueryEditor
        key={focusedAction.id}
        action={focusedAction}
        connector={connectors.find((c) => c.type === focusedAction.connector)}
        datasource={datasources.find((d) => d.id === focusedAction.datasourceId)}
        tables={structures[focusedAction.datasourceId] ?? []}
        execution={executions[focusedAction.id]}
        running={running === focusedAction.id}
        complete={completeBinding}
        onChange={(changes) => changeAction(focusedAction.id, changes)}
        shared={(key) => coedit.sharedText("action", focusedAction.id, key)}
        onRun={() => void runQuery(focusedAction)}
        environment={environment}
        onEnvironment={setEnvironment}
        onRename={(n) => void rename(focusedAction.name, n)}
        onShowInTable={() => {
          const manifest = manifestMap.get("TABLE_WIDGET_V2");
          if (!manifest) return;
          const made = newWidget(manifest, pageNames(), { left: 0, top: 0 }, manifestMap);
          const widget = { ...made.widget, tableData: `{{${focusedAction.name}.data}}` };
          const below = (doc.tree.children ?? []).reduce((m, c) => Math.max(m, boxOf(c).bottom), 0);
          commit(placeWidgets(doc.tree, idOf(doc.tree), [{ widget, box: { ...made.box, top: below, bottom: below + made.box.bottom - made.box.top } }]), [idOf(widget)]);
          setFocus("canvas");
        }}
        onDelete={() => {
          if (!window.confirm(`Delete ${focusedAction.name}?`)) return;
          editorApi.deleteAction(focusedAction.id).then(
            () => {
              setActions((l) => l.filter((a) => a.id !== focusedAction.id));
              setFocus("canvas");
              scheduleReload();
            },
            (e: unknown) => toast(messageOf(e), "error"),
          );
        }}
      />
    );
  } else if (focusedJs) {
    const fns = functionNames(focusedJs.body);
    center = (
      <JsObjectEditor
        key={focusedJs.id}
        js={focusedJs} appId={app?.id}
        functions={fns}
        errors={Object.entries(errors).filter(([k]) => k.startsWith(`${focusedJs.name}.`)).flatMap(([, l]) => l)}
        complete={completeBinding}
        lastRun={jsRuns[focusedJs.id]}
        logs={logs}
        onChange={(changes) => changeJs(focusedJs.id, changes)}
        shared={coedit.sharedText("js", focusedJs.id)}
        onRename={(n) => void rename(focusedJs.name, n)}
        onRun={(fn) => {
          void (async () => {
            try {
              await flushAll();
              await reloadEngine();
              const value = await engine.current?.runJsFunction(focusedJs.name, fn);
              setJsRuns((r) => ({ ...r, [focusedJs.id]: { fn, ok: true, value } }));
            } catch (e) {
              setJsRuns((r) => ({ ...r, [focusedJs.id]: { fn, ok: false, value: messageOf(e) } }));
            }
          })();
        }}
        onDelete={() => {
          if (!window.confirm(`Delete ${focusedJs.name}?`)) return;
          editorApi.deleteJsObject(focusedJs.id).then(
            () => {
              setJsObjects((l) => l.filter((j) => j.id !== focusedJs.id));
              setFocus("canvas");
              scheduleReload();
            },
            (e: unknown) => toast(messageOf(e), "error"),
          );
        }}
      />
    );
  } else if (focus === "new-datasource") {
    center = <ConnectorGallery connectors={connectors} onPick={(c) => setFocus(`connector:${c.type}`)} />;
  } else if (newConnector || focusedDs) {
    const connector = newConnector ?? connectors.find((c) => c.type === focusedDs?.connector);
    center = connector ? (
      <DatasourceEditor
        key={focus}
        workspaceId={app.workspaceId}
        connector={connector}
        datasource={focusedDs ?? null}
        onSaved={(ds) => {
          setDatasources((l) => [...l.filter((d) => d.id !== ds.id), ds]);
          setStructures((s) => {
            const { [ds.id]: _dropped, ...rest } = s;
            return rest;
          });
          setFocus(`datasource:${ds.id}`);
          toast(`Datasource ${ds.name} saved`, "success");
        }}
        onNewQuery={(ds, table) => void addQuery(ds, table)}
      />
    ) : focusedDs ? <PlaceholderDatasource appId={appId} datasource={focusedDs} connectors={connectors} onError={(m) => toast(m, "error")} onPicked={(ds, acts) => [setDatasources((l) => [...l.filter((d) => d.id !== ds.id), ds]), setActions(acts), setFocus(`datasource:${ds.id}`)]} /> : null; // an imported datasource of a kind Lowcraft lacked
  } else if (focus === "git") {
    center = <GitPanel appId={appId} flush={flushAll} onEditStateChanged={(m) => [toast(m, "success"), setLoads((n) => n + 1)]} />;
  } else if (focus === "settings" || focus === "history") {
    center = focus === "history" ? <HistoryPanel appId={appId} onRestore={restoreVersion} /> : <AppSettings app={app} pages={pages} onSaved={(a) => void refreshPages().then(() => setApp({ ...a, pages }))} />;
  } else if (focus.startsWith("pick-datasource")) {
    center = <QueryDatasourcePicker datasources={datasources} onPick={(d) => void addQuery(d)} />;
  } else {
    center = (
      <Canvas
        handle={canvas}
        tree={doc.tree}
        manifests={manifestMap}
        values={values}
        errors={errors}
        selected={doc.selected}
        peers={coedit.peers.filter((p) => p.pageId === pageId)}
        preview={preview}
        onSelect={(ids, toggle) => (toggle && ids[0] ? dispatch({ type: "toggle", id: ids[0] }) : dispatch({ type: "select", ids }))}
        onCommit={(tree, select) => commit(tree, select)}
        onMeta={(w, changes) => engine.current?.setMeta(w, changes).then(onUpdate, (e: unknown) => console.error(e))}
        onEvent={(w, ev, extra) => void engine.current?.runEvent(w, ev, extra ?? {})}
      />
    );
  }

  return (
    <div className={`lc-editor${preview ? " lc-editor--preview" : ""}`}>
      <EditorTopBar
        app={app}
        pageName={page?.name}
        saveState={coedit.live ? coedit.saveState : saveState}
        live={coedit}
        pages={pages}
        busy={busy}
        canUndo={coedit.live ? coedit.history.canUndo : doc.history.past.length > 0}
        canRedo={coedit.live ? coedit.history.canRedo : doc.history.future.length > 0}
        preview={preview}
        onUndo={() => coedit.dispatch({ type: "undo" })}
        onRedo={() => coedit.dispatch({ type: "redo" })}
        onSettings={() => setFocus("settings")} onHistory={() => setFocus("history")} onGit={() => setFocus("git")}
        onTogglePreview={() => {
          setFocus("canvas");
          setPreview(!preview);
        }}
        onPublish={(message) => void publish(message)}
        onOverwrite={() => void saver.current?.overwrite()}
        onLoadOther={() => {
          if (!window.confirm("Load the other version? Your unsaved changes on this page will be lost.")) return;
          void editorApi.page(pageId).then((p) => {
            saver.current?.discard(p.revision);
            loaded(p.dsl);
            dispatch({ type: "load", tree: p.dsl });
            scheduleReload();
          });
        }}
        onRetry={() => void saver.current?.retry()}
      />
      <div className="lc-ed-body">
        {!preview && (
          <div className="lc-ed-left">
            <div role="tablist">
              <button type="button" role="tab" aria-selected={leftTab === "widgets"} onClick={() => setLeftTab("widgets")}>
                Widgets
              </button>
              <button type="button" role="tab" aria-selected={leftTab === "explorer"} onClick={() => setLeftTab("explorer")}>
                Explorer
              </button>
            </div>
            {leftTab === "widgets" ? (
              <Palette
                manifests={manifests}
                onStart={(type, x, y) => {
                  if (focus !== "canvas") setFocus("canvas");
                  canvas.current?.beginNew(type, x, y);
                }}
              />
            ) : (
              <Explorer
                pages={pages}
                pageId={pageId}
                tree={doc.tree}
                selected={doc.selected}
                actions={pageActions}
                jsObjects={pageJs}
                datasources={datasources}
                appActions={actions}
                focus={focus} libraries={libraries}
                onOpenPage={(id) => void openPage(id).catch((e: unknown) => toast(messageOf(e), "error"))}
                {...pageHandlers}
                onSelectWidget={(id) => {
                  setFocus("canvas");
                  dispatch({ type: "select", ids: [id] });
                }}
                onRenameWidget={(id, name) => {
                  const w = findWidget(doc.tree, id);
                  if (w) void rename(w.widgetName, name);
                }}
                onDeleteWidget={(id) => commit(removeWidgets(doc.tree, new Set([id])), [])}
                onOpenQuery={(id) => setFocus(`query:${id}`)}
                onAddQuery={() => (datasources.length === 0 ? setFocus("new-datasource") : datasources.length === 1 ? void addQuery(datasources[0] as DatasourceRecord) : setFocus("pick-datasource"))}
                onOpenJs={(id) => setFocus(`js:${id}`)}
                onAddJs={() =>
                  void editorApi
                    .createJsObject(appId, { pageId, name: uniqueName("JSObject", pageNames()), body: "export default {\n  value: 1,\n  run() {\n    return this.value;\n  },\n}" })
                    .then((js) => {
                      setJsObjects((l) => appendOnce(l, [js]));
                      setFocus(`js:${js.id}`);
                      scheduleReload();
                    }, (e: unknown) => toast(messageOf(e), "error"))
                }
                onOpenDatasource={(id) => setFocus(`datasource:${id}`)}
                onAddDatasource={() => setFocus("new-datasource")}
              />
            )}
          </div>
        )}
        <main className="lc-ed-center">
          {focus !== "canvas" && !preview && (
            <button type="button" className="lc-ed-back" onClick={() => setFocus("canvas")}>
              ← Canvas
            </button>
          )}
          <Suspense fallback={<div className="lc-loading" aria-busy="true" />}>{center}</Suspense>
        </main>
        {!preview && focus === "canvas" && selectedWidget && (
          <Suspense fallback={<aside className="lc-ed-pane" />}>
            <PropertyPane
              key={idOf(selectedWidget)}
              widget={selectedWidget}
              manifest={manifestMap.get(selectedWidget.type)}
              values={values[selectedWidget.widgetName] ?? {}}
              errors={errors}
              complete={completeBinding}
              choices={choices}
              diagnostics={((saveState?.diagnostics ?? []) as { entity?: string; property?: string; message: string }[]).filter((d) => d.entity === selectedWidget.widgetName)}
              onChange={(name, value) => commit(setProperty(doc.tree, idOf(selectedWidget), name, value), undefined, `${idOf(selectedWidget)}.${name}`)}
              onChangeMany={(changes) =>
                commit(
                  Object.entries(changes).reduce((t, [name, value]) => setProperty(t, idOf(selectedWidget), name, value), doc.tree),
                  undefined,
                  `${idOf(selectedWidget)}.${Object.keys(changes).sort().join("+")}`,
                )
              }
              onRename={(name) => void rename(selectedWidget.widgetName, name)}
            />
          </Suspense>
        )}
      </div>
      <div className="lc-toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`lc-toast lc-toast--${t.style}`} role={t.style === "error" ? "alert" : "status"}>
            {t.message}
          </div>
        ))}
      </div>
    </div>
  );
}
