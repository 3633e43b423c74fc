/**
 * The editor at `/app/{id}/edit/{page}`: explorer and palette on the left, the canvas (or a
 * query, JS object, datasource or the app settings) in the middle, the property pane on the right.
 * The live engine runs the edit state, so bindings show their values as they are typed; the page
 * tree autosaves with its revision; queries and JS objects save as they are edited. With others in
 * the app, the tree, queries and JS code are a shared document the server saves (useCoEditing).
 *
 * Its parts: useEditorLoading (what it loads), useEditCommands (edits, renames and runs, wired to
 * co-editing), EditorLeftPanel (palette and explorer) and EditorCenter (the middle panel).
 */
import { lazy, Suspense, useCallback, useMemo, useReducer, useRef, useState } from "react";

import type { PageSummary } from "../api/resources";
import type { AlertStyle } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import type { CanvasHandle } from "./Canvas";
import { functionNames } from "./completions";
import { editorApi, type ActionRecord, type AppDetail, type ConnectorInfo, type DatasourceRecord, type Execution, type JsObjectRecord, type StructureTable } from "./editorApi";
import EditorCenter from "./EditorCenter";
import EditorLeftPanel from "./EditorLeftPanel";
import { editorReducer, initialState } from "./editorState";
import EditorTopBar from "./EditorTopBar";
import { DEFAULT_ENVIRONMENT } from "./environments";
import type { JsRun } from "./JsObjectEditor";
import { pageCommands } from "./pageCommands";
import { usePageNames } from "./pageNames";
import { allWidgets, findWidget, idOf, setProperty, type Widget } from "./tree";
import { useAutosave, useLeaveWarning } from "./useAutosave";
import { useBindingCompletion } from "./useBindingCompletion";
import { useCanvasKeyboard } from "./useCanvasKeyboard";
import { useCoEditing } from "./useCoEditing";
import { useDelayedSaves, useEditCommands } from "./useEditCommands";
import { useEditorEngine, type EditedApp } from "./useEditorEngine";
import { useEditorLoading } from "./useEditorLoading";
import "./editor.css";

const PropertyPane = lazy(() => import("./PropertyPane"));

interface Toast { readonly id: number; readonly message: string; readonly style: AlertStyle }

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

  const engineParts = useEditorEngine({ appId, latest, environment: runEnvironment, toast, setLogs, setExecutions });
  const { values, errors, scheduleReload, syncTree, libraryLoads, libraries } = engineParts;
  const pendingSaves = useDelayedSaves(toast); // queries and JS objects save after a pause in typing
  const coedit = useCoEditing({ appId, pageId, doc: docNow, selected: doc.selected, dispatch, setActions, setJsObjects, scheduleReload, toast, onReloaded: () => reloadLists.current(), forgetJsBody: (id) => pendingSaves.js.forget(id, "body") });
  const { saveState, saver, track, loaded } = useAutosave(doc.tree, syncTree, coedit.live); // live: the server folds the shared document

  const focusedAction = focus.startsWith("query:") ? actions.find((a) => a.id === focus.slice(6)) : undefined;
  const { openPage } = useEditorLoading({
    appId, pageKey, loads, pages, pageId, app, manifestCount: manifests.length, queryDatasourceId: focusedAction?.datasourceId, structures, engine: engineParts, saver, track, dispatch,
    setApp, setPages, setManifests, setActions, setJsObjects, setConnectors, setDatasources, setStructures, setPageId, setFocus, setProblem, toast,
  });

  // Leaving with unsaved changes asks first.
  useLeaveWarning(() => saver.current?.hasUnsaved === true || pendingSaves.actions.size > 0 || pendingSaves.js.size > 0);

  const { pageNames, codeNames } = usePageNames(latest); // names are per page
  const commands = useEditCommands({ appId, latest, coedit, engine: engineParts, saver, track, pendingSaves, dispatch, setActions, setJsObjects, setBusy, setRunning, setFocus, connectors, pageNames, toast });
  const { commit, rename, flushAll } = commands;
  useCanvasKeyboard({ doc: docNow, dispatch: coedit.dispatch, commit, manifests: manifestMap, active: !preview && focus === "canvas", codeNames });

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
          <EditorLeftPanel
            appId={appId} pageId={pageId} tab={leftTab} setTab={setLeftTab} focus={focus} setFocus={setFocus} manifests={manifests} canvas={canvas}
            pages={pages} doc={doc} pageActions={pageActions} pageJs={pageJs} actions={actions} datasources={datasources} libraries={libraries}
            pageHandlers={pageHandlers} openPage={openPage} commands={commands} pageNames={pageNames} dispatch={dispatch} setJsObjects={setJsObjects}
            scheduleReload={scheduleReload} toast={toast}
          />
        )}
        <main className="lc-ed-center">
          {focus !== "canvas" && !preview && (
            <button type="button" className="lc-ed-back" onClick={() => setFocus("canvas")}>
              ← Canvas
            </button>
          )}
          <Suspense fallback={<div className="lc-loading" aria-busy="true" />}><EditorCenter
              appId={appId} app={app} pageId={pageId} pages={pages} focus={focus} setFocus={setFocus} focusedAction={focusedAction} jsObjects={jsObjects}
              connectors={connectors} datasources={datasources} structures={structures} executions={executions} running={running} jsRuns={jsRuns} logs={logs}
              environment={environment} preview={preview} doc={doc} canvas={canvas} manifestMap={manifestMap} engine={engineParts} coedit={coedit} commands={commands}
              completeBinding={completeBinding} pageNames={pageNames} dispatch={dispatch} setActions={setActions} setJsObjects={setJsObjects} setDatasources={setDatasources}
              setStructures={setStructures} setJsRuns={setJsRuns} setEnvironment={setEnvironment} setApp={setApp} setLoads={setLoads} restoreVersion={restoreVersion}
              refreshPages={refreshPages} toast={toast}
            /></Suspense>
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
