/**
 * The editor at `/app/{id}/edit/{page}`: explorer and palette on the left, the canvas (or a
 * query, JS object, datasource or the app settings) in the middle, the property pane on the right.
 * The live engine runs the edit state, so bindings show their values as they are typed; the page
 * tree autosaves with its revision; queries and JS objects save as they are edited.
 */
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from "react";

import { ApiError } from "../api/http";
import { EngineClient } from "../engine/client";
import type { ActionResult, AlertStyle, EvaluationError, EvaluationUpdate } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import { entityNameProblem } from "../engine/names";
import { pageStorage } from "../runtime/storage";
import { PageSaver, type SaveState } from "./autosave";
import Canvas, { type CanvasHandle } from "./Canvas";
import { clonePageContent, copyName } from "./clonePage";
import { copyWidgets, loadClip, pasteWidgets, saveClip } from "./clipboard";
import { appsmithEntity, complete, functionNames, queryEntity, widgetMembers, type EntityInfo } from "./completions";
import { editorApi, messageOf, type ActionRecord, type AppDetail, type ConnectorInfo, type DatasourceRecord, type Execution, type JsObjectRecord, type PageSummary, type StructureTable } from "./editorApi";
import { editorReducer, initialState } from "./editorState";
import { DEFAULT_ENVIRONMENT } from "./environments";
import { propertyChanges } from "./engineSync";
import Explorer from "./Explorer";
import { moveBox } from "./grid";
import type { JsRun } from "./JsObjectEditor";
import Palette from "./Palette";
import { boxOf, findWidget, holdsWidgets, idOf, namesIn, newWidget, parentOf, placeWidgets, removeWidgets, setProperty, topmost, uniqueName, type Widget } from "./tree";
import "./editor.css";

const PropertyPane = lazy(() => import("./PropertyPane"));
const QueryEditor = lazy(() => import("./QueryEditor"));
const JsObjectEditor = lazy(() => import("./JsObjectEditor"));
const DatasourceEditor = lazy(() => import("./DatasourceEditor"));
const ConnectorGallery = lazy(() => import("./DatasourceEditor").then((m) => ({ default: m.ConnectorGallery })));
const AppSettings = lazy(() => import("./AppSettings"));

type Values = Record<string, Record<string, unknown>>;
type Errors = Record<string, readonly EvaluationError[]>;

interface Toast {
  readonly id: number;
  readonly message: string;
  readonly style: AlertStyle;
}

const ACTION_SAVE_DELAY_MS = 500;
const ENGINE_RELOAD_DELAY_MS = 150;
const EMPTY_TREE: Widget = { widgetId: "0", widgetName: "MainContainer", type: "CANVAS_WIDGET", leftColumn: 0, rightColumn: 64, topRow: 0, bottomRow: 100, children: [] };

function applyUpdate(values: Values, update: EvaluationUpdate): Values {
  const next: Values = { ...values };
  if (update.snapshot) for (const [name, v] of Object.entries(update.snapshot)) next[name] = { ...v };
  for (const [key, value] of Object.entries(update.values)) {
    const dot = key.indexOf(".");
    const name = key.slice(0, dot);
    next[name] = { ...next[name], [key.slice(dot + 1)]: value };
  }
  return next;
}

function mergeErrors(errors: Errors, update: EvaluationUpdate): Errors {
  const next = update.snapshot ? {} : { ...errors };
  for (const [k, list] of Object.entries(update.errors)) {
    if (list.length === 0) delete next[k];
    else next[k] = list;
  }
  return next;
}

function toActionResult(r: Execution): ActionResult {
  return {
    ok: r.isExecutionSuccess,
    data: r.body,
    statusCode: r.statusCode ?? undefined,
    headers: r.headers ?? {},
    durationMs: r.durationMs,
    error: r.isExecutionSuccess ? undefined : [r.error?.message, r.error?.hint].filter(Boolean).join(" ") || "execution failed",
  };
}

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || target.closest(".cm-editor") !== null);

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
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<Errors>({});
  const [saveState, setSaveState] = useState<SaveState | null>(null);
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
  const runEnvironment = useRef(environment);
  runEnvironment.current = environment;

  const canvas = useRef<CanvasHandle | null>(null);
  const engine = useRef<EngineClient | null>(null);
  const saver = useRef<PageSaver | null>(null);
  /**
   * The tree the saver last heard of, or the one just loaded from the server: only a different one
   * is saved. Not only the loaded tree, or undoing back to it would never reach the server.
   */
  const knownTree = useRef<Widget | null>(null);
  const engineTree = useRef<Widget | null>(null);
  const actionData = useRef<Record<string, unknown>>({});
  const actionTimers = useRef(new Map<string, { timer: number; run: () => Promise<void>; changes: Record<string, unknown> }>());
  const jsTimers = useRef(new Map<string, { timer: number; run: () => Promise<void> }>());
  const reloadTimer = useRef<number | null>(null);
  const latest = useRef({ doc, actions, jsObjects, pageId, app, manifests });
  latest.current = { doc, actions, jsObjects, pageId, app, manifests };

  const manifestMap = useMemo(() => new Map(manifests.map((m) => [m.type, m])), [manifests]);
  const pageActions = useMemo(() => actions.filter((a) => a.pageId === pageId), [actions, pageId]);
  const pageJs = useMemo(() => jsObjects.filter((j) => j.pageId === pageId), [jsObjects, pageId]);

  const toast = useCallback((message: string, style: AlertStyle = "info") => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t, { id, message, style }]);
    window.setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 5000);
  }, []);

  const onUpdate = useCallback((update: EvaluationUpdate) => {
    for (const [key, value] of Object.entries(update.values)) if (key.endsWith(".data")) actionData.current[key.slice(0, -5)] = value;
    setValues((v) => applyUpdate(v, update));
    setErrors((e) => mergeErrors(e, update));
  }, []);

  // ------------------------------------------------------------------ the live engine

  const reloadEngine = useCallback(async () => {
    const client = engine.current;
    const { doc: d, actions: acts, jsObjects: js, pageId: pid, app: a, manifests: ms } = latest.current;
    if (!client || !pid || !a || ms.length === 0) return;
    engineTree.current = d.tree;
    const update = await client.load(
      ms,
      {
        dsl: d.tree,
        actions: acts.filter((x) => x.pageId === pid).map((x) => ({ name: x.name, id: x.id, config: x.config, settings: x.settings, ...(x.name in actionData.current ? { data: actionData.current[x.name] } : {}) })),
        jsObjects: js.filter((x) => x.pageId === pid).map((x) => ({ name: x.name, body: x.body })),
      },
      { store: {}, url: window.location.href, theme: a.theme, mode: "EDIT" },
    );
    setValues({});
    onUpdate(update);
  }, [onUpdate]);

  const scheduleReload = useCallback(() => {
    if (reloadTimer.current !== null) window.clearTimeout(reloadTimer.current);
    reloadTimer.current = window.setTimeout(() => {
      reloadTimer.current = null;
      reloadEngine().catch((e: unknown) => console.error(e));
    }, ENGINE_RELOAD_DELAY_MS);
  }, [reloadEngine]);

  useEffect(() => {
    const client = EngineClient.start({
      update: onUpdate,
      effect: (effect) => {
        if (effect.kind === "showAlert") toast(effect.message, effect.style);
        else if (effect.kind === "log") setLogs((l) => [...l.slice(-199), `[${effect.level}] ${effect.source}: ${effect.message}`]);
        else if (effect.kind === "navigateTo") toast(`navigateTo('${effect.target}') runs in the published app`, "info");
      },
      executeAction: async (request) => {
        const a = latest.current.app;
        if (!request.actionId || !a) return { ok: false, data: undefined, error: `${request.action} is not saved yet` };
        const response = await editorApi.execute(request.actionId, a.id, { ...request.params }, runEnvironment.current);
        setExecutions((x) => ({ ...x, [request.actionId as string]: response }));
        return toActionResult(response);
      },
      confirmAction: async (name) => window.confirm(`Run ${name}?`),
    });
    engine.current = client;
    return () => {
      client.dispose();
      engine.current = null;
    };
  }, [onUpdate, toast]);

  // ------------------------------------------------------------------ loading

  const openPage = useCallback(
    async (id: string, push = true) => {
      await saver.current?.flush();
      const page = await editorApi.page(id);
      knownTree.current = page.dsl;
      dispatch({ type: "load", tree: page.dsl });
      dispatch({ type: "select", ids: [] });
      setPageId(page.id);
      setFocus("canvas");
      saver.current = new PageSaver({ save: (dsl, revision) => editorApi.saveTree(page.id, dsl, revision) }, page.revision, setSaveState);
      setSaveState(saver.current.state);
      shownPage.current = page.slug;
      // The address follows the page (the router is not told: the editor stays mounted).
      if (push) window.history.pushState(null, "", `/app/${encodeURIComponent(appId)}/edit/${encodeURIComponent(page.slug)}`);
    },
    [appId],
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
      await openPage(page.id, page.slug !== pageKey);
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
  }, [appId, openPage]);

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

  // Every change of the tree: autosave it, and tell the engine. A layout effect, so the save
  // status turns "unsaved" in the same paint as the edit instead of showing "saved" for a frame.
  useLayoutEffect(() => {
    const tree = doc.tree;
    if (tree === knownTree.current) return;
    knownTree.current = tree;
    saver.current?.change(tree);
    const before = engineTree.current;
    if (!before) return;
    const changes = propertyChanges(before, tree);
    if (changes === null) {
      scheduleReload();
      return;
    }
    engineTree.current = tree;
    for (const c of changes) engine.current?.updateProperty(c.widget, c.name, c.raw).then(onUpdate, () => scheduleReload());
  }, [doc.tree, onUpdate, scheduleReload]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (saver.current?.hasUnsaved || actionTimers.current.size > 0 || jsTimers.current.size > 0) {
        e.preventDefault();
        e.returnValue = "";
      }
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);

  // ------------------------------------------------------------------ editing

  const commit = useCallback((tree: Widget, select?: readonly string[], key?: string) => {
    dispatch({ type: "commit", tree, ...(select ? { select } : {}), ...(key ? { key } : {}) });
  }, []);

  const containerFor = (tree: Widget, selected: readonly string[]): string => {
    const first = selected[0] ? findWidget(tree, selected[0]) : undefined;
    if (first && holdsWidgets(first, manifestMap) && first.type !== "CANVAS_WIDGET") return idOf(first);
    const parent = first ? parentOf(tree, idOf(first)) : undefined;
    return parent ? idOf(parent) : idOf(tree);
  };

  const flushAll = useCallback(async () => {
    await saver.current?.flush();
    await Promise.all([...actionTimers.current.values(), ...jsTimers.current.values()].map((p) => p.run()));
  }, []);

  const afterRename = useCallback(async () => {
    const pid = latest.current.pageId;
    const [acts, js] = await Promise.all([editorApi.actions(appId), editorApi.jsObjects(appId)]);
    setActions(acts);
    setJsObjects(js);
    if (pid) {
      const page = await editorApi.page(pid);
      knownTree.current = page.dsl;
      dispatch({ type: "rewritten", tree: page.dsl });
      saver.current = new PageSaver({ save: (dsl, revision) => editorApi.saveTree(page.id, dsl, revision) }, page.revision, setSaveState);
      setSaveState(saver.current.state);
    }
    latest.current = { ...latest.current, actions: acts, jsObjects: js };
    actionData.current = {};
    await reloadEngine();
    await engine.current?.runOnLoadActions();
  }, [appId, reloadEngine]);

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
        await editorApi.refactor(appId, oldName, newName);
        await afterRename();
        toast(`${oldName} is now ${newName}; every reference follows.`, "success");
      } catch (e) {
        toast(`Could not rename ${oldName}: ${messageOf(e)}`, "error");
      } finally {
        setBusy(null);
      }
    },
    [appId, afterRename, flushAll, toast],
  );

  const deleteSelected = useCallback(() => {
    const { tree, selected } = latest.current.doc;
    if (selected.length === 0) return;
    commit(removeWidgets(tree, new Set(selected)), []);
  }, [commit]);

  const copySelected = useCallback(() => {
    const { tree, selected } = latest.current.doc;
    if (selected.length === 0) return false;
    saveClip(pageStorage(), copyWidgets(tree, selected));
    return true;
  }, []);

  const paste = useCallback(() => {
    const clip = loadClip(pageStorage());
    const { tree, selected } = latest.current.doc;
    if (!clip) return;
    const result = pasteWidgets(tree, clip, containerFor(tree, selected));
    commit(result.tree, result.ids);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [commit, manifestMap]);

  const duplicate = useCallback(() => {
    const { tree, selected } = latest.current.doc;
    if (selected.length === 0) return;
    const parent = parentOf(tree, selected[0] as string);
    const result = pasteWidgets(tree, copyWidgets(tree, selected), parent ? idOf(parent) : idOf(tree));
    commit(result.tree, result.ids);
  }, [commit]);

  const nudge = useCallback(
    (dx: number, dy: number) => {
      const { tree, selected } = latest.current.doc;
      const ids = topmost(tree, selected);
      if (ids.length === 0) return;
      let next = tree;
      for (const id of ids) {
        const w = findWidget(next, id);
        const parent = parentOf(next, id);
        if (!w || !parent || w.type === "MODAL_WIDGET") continue;
        next = placeWidgets(next, idOf(parent), [{ widget: w, box: moveBox(boxOf(w), dx, dy) }]);
      }
      commit(next, ids, `nudge:${ids.join(",")}`);
    },
    [commit],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || preview || focus !== "canvas") return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === "z") {
        e.preventDefault();
        dispatch({ type: e.shiftKey ? "redo" : "undo" });
      } else if (mod && key === "y") {
        e.preventDefault();
        dispatch({ type: "redo" });
      } else if (mod && key === "c") copySelected();
      else if (mod && key === "x") {
        if (copySelected()) deleteSelected();
      } else if (mod && key === "v") {
        e.preventDefault();
        paste();
      } else if (mod && key === "d") {
        e.preventDefault();
        duplicate();
      } else if (e.key === "Delete" || e.key === "Backspace") {
        e.preventDefault();
        deleteSelected();
      } else if (e.key === "Escape") dispatch({ type: "select", ids: [] });
      else if (e.key.startsWith("Arrow") && latest.current.doc.selected.length > 0) {
        e.preventDefault();
        const step = e.shiftKey ? 4 : 1;
        nudge(e.key === "ArrowLeft" ? -step : e.key === "ArrowRight" ? step : 0, e.key === "ArrowUp" ? -step : e.key === "ArrowDown" ? step : 0);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [copySelected, deleteSelected, duplicate, focus, nudge, paste, preview]);

  // ------------------------------------------------------------------ queries and JS objects

  const allNames = useCallback(() => new Set([...namesIn(latest.current.doc.tree), ...latest.current.actions.map((a) => a.name), ...latest.current.jsObjects.map((j) => j.name)]), []);

  const changeAction = useCallback(
    (id: string, changes: { config?: Record<string, unknown>; settings?: ActionRecord["settings"] }) => {
      setActions((list) => list.map((a) => (a.id === id ? { ...a, ...changes } : a)));
      const pending = actionTimers.current.get(id);
      if (pending) window.clearTimeout(pending.timer);
      const merged = { ...(pending?.changes ?? {}), ...changes };
      const run = async () => {
        const entry = actionTimers.current.get(id);
        if (!entry || entry.run !== run) return;
        window.clearTimeout(entry.timer);
        actionTimers.current.delete(id);
        try {
          await editorApi.updateAction(id, merged);
        } catch (e) {
          toast(`Query not saved: ${messageOf(e)}`, "error");
        }
      };
      const entry = { timer: window.setTimeout(() => void run(), ACTION_SAVE_DELAY_MS), run, changes: merged };
      actionTimers.current.set(id, entry);
      scheduleReload();
    },
    [scheduleReload, toast],
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
    [flushAll, reloadEngine, toast],
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
        const created = await editorApi.createAction(appId, { pageId: pid, name: uniqueName("Query", allNames()), datasourceId: datasource.id, config });
        setActions((list) => [...list, created]);
        setFocus(`query:${created.id}`);
        scheduleReload();
      } catch (e) {
        toast(`Could not create the query: ${messageOf(e)}`, "error");
      }
    },
    [allNames, appId, connectors, scheduleReload, toast],
  );

  const changeJs = useCallback(
    (id: string, body: string) => {
      setJsObjects((list) => list.map((j) => (j.id === id ? { ...j, body } : j)));
      const pending = jsTimers.current.get(id);
      if (pending) window.clearTimeout(pending.timer);
      const run = async () => {
        const entry = jsTimers.current.get(id);
        if (!entry || entry.run !== run) return;
        window.clearTimeout(entry.timer);
        jsTimers.current.delete(id);
        try {
          await editorApi.updateJsObject(id, { body });
        } catch (e) {
          toast(`JS object not saved: ${messageOf(e)}`, "error");
        }
      };
      jsTimers.current.set(id, { timer: window.setTimeout(() => void run(), ACTION_SAVE_DELAY_MS), run });
      scheduleReload();
    },
    [scheduleReload, toast],
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

  const entities = useMemo((): EntityInfo[] => {
    const widgets = [...namesIn(doc.tree)].flatMap((name) => {
      const w = findByNameCached(doc.tree, name);
      if (!w || w.widgetName === doc.tree.widgetName) return [];
      return [{ name, kind: "widget" as const, detail: manifestMap.get(w.type)?.displayName ?? w.type, members: widgetMembers(manifestMap.get(w.type)), value: values[name] ?? {} }];
    });
    return [
      ...widgets,
      ...pageActions.map((a) => queryEntity(a.name, values[a.name] ?? {})),
      ...pageJs.map((j) => ({ name: j.name, kind: "js" as const, detail: "JS object", members: new Map(functionNames(j.body).map((f) => [f, "()"])), value: values[j.name] ?? {} })),
      appsmithEntity(values["appsmith"] ?? {}),
    ];
  }, [doc.tree, manifestMap, pageActions, pageJs, values]);
  const completeBinding = useCallback((before: string) => complete(before, entities), [entities]);

  // ------------------------------------------------------------------ page-level commands

  const publish = async () => {
    if (!app) return;
    setBusy("Publishing…");
    try {
      await flushAll();
      const published = await editorApi.publish(app.id);
      setApp({ ...app, ...published, pages: app.pages });
      toast("Published. Viewers now see this version.", "success");
    } catch (e) {
      toast(`Not published: ${messageOf(e)}`, "error");
    } finally {
      setBusy(null);
    }
  };

  const refreshPages = async () => {
    const a = await editorApi.application(appId);
    setApp(a);
    setPages([...a.pages]);
  };

  /** A copy of a page with its queries and JS objects, every name fresh in the app, then opened. */
  const clonePage = async (id: string) => {
    setBusy("Cloning the page…");
    try {
      await flushAll();
      const all = await Promise.all(pages.map((p) => editorApi.page(p.id)));
      const source = all.find((p) => p.id === id);
      if (!source) return;
      const taken = new Set([...all.flatMap((p) => [...namesIn(p.dsl)]), ...actions.map((a) => a.name), ...jsObjects.map((j) => j.name)]);
      const cloned = clonePageContent({ tree: source.dsl, actions: actions.filter((a) => a.pageId === id), jsObjects: jsObjects.filter((j) => j.pageId === id), taken });
      const created = await editorApi.createPage(appId, copyName(source.name, new Set(pages.map((p) => p.name))));
      await editorApi.saveTree(created.id, cloned.tree, created.revision);
      const newActions: ActionRecord[] = [];
      for (const a of cloned.actions) newActions.push(await editorApi.createAction(appId, { pageId: created.id, name: a.name, datasourceId: a.from.datasourceId, config: a.config, settings: a.from.settings }));
      const newJs: JsObjectRecord[] = [];
      for (const j of cloned.jsObjects) newJs.push(await editorApi.createJsObject(appId, { pageId: created.id, name: j.name, body: j.body }));
      setActions((l) => [...l, ...newActions]);
      setJsObjects((l) => [...l, ...newJs]);
      latest.current = { ...latest.current, actions: [...latest.current.actions, ...newActions], jsObjects: [...latest.current.jsObjects, ...newJs] };
      await openPage(created.id);
      toast(`${source.name} cloned as ${created.name}`, "success");
    } finally {
      setBusy(null);
    }
  };

  const pageCommand = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      await refreshPages();
    } catch (e) {
      toast(`${what}: ${messageOf(e)}`, "error");
    }
  };

  // ------------------------------------------------------------------ render

  if (problem !== null) return <main className="lc-message" role="alert">{problem}</main>;
  if (!app || !pageId) return <main className="lc-message" aria-busy="true">Loading the editor…</main>;

  const selectedWidget = doc.selected.length === 1 ? findWidget(doc.tree, doc.selected[0] as string) : undefined;
  const page = pages.find((p) => p.id === pageId);
  const saveLabel: Record<string, string> = { saved: "All changes saved", unsaved: "Unsaved changes", saving: "Saving…", conflict: "Conflict", error: "Not saved" };
  const choices = {
    queries: pageActions.map((a) => a.name),
    modals: [...namesIn(doc.tree)].filter((n) => findByNameCached(doc.tree, n)?.type === "MODAL_WIDGET"),
    pages: pages.map((p) => p.name),
    jsFunctions: pageJs.flatMap((j) => functionNames(j.body).map((f) => `${j.name}.${f}`)),
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
        onRun={() => void runQuery(focusedAction)}
        environment={environment}
        onEnvironment={setEnvironment}
        onRename={(n) => void rename(focusedAction.name, n)}
        onShowInTable={() => {
          const manifest = manifestMap.get("TABLE_WIDGET_V2");
          if (!manifest) return;
          const made = newWidget(manifest, allNames(), { left: 0, top: 0 }, manifestMap);
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
        js={focusedJs}
        functions={fns}
        errors={Object.entries(errors).filter(([k]) => k.startsWith(`${focusedJs.name}.`)).flatMap(([, l]) => l)}
        complete={completeBinding}
        lastRun={jsRuns[focusedJs.id]}
        logs={logs}
        onChange={(body) => changeJs(focusedJs.id, body)}
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
    ) : null;
  } else if (focus === "settings") {
    center = <AppSettings app={app} pages={pages} onSaved={(a) => void refreshPages().then(() => setApp({ ...a, pages }))} />;
  } else if (focus.startsWith("pick-datasource")) {
    center = (
      <div className="lc-ed-doc">
        <h2>New query</h2>
        <p>Which datasource does it read?</p>
        {datasources.map((d) => (
          <button key={d.id} type="button" className="lc-ed-gallery__item" onClick={() => void addQuery(d)}>
            {d.name}
          </button>
        ))}
      </div>
    );
  } else {
    center = (
      <Canvas
        handle={canvas}
        tree={doc.tree}
        manifests={manifestMap}
        values={values}
        errors={errors}
        selected={doc.selected}
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
      <header className="lc-ed-top">
        <a href="/" className="lc-ed-home" title="All applications">
          ◧
        </a>
        <strong>{app.name}</strong>
        <span className="lc-ed-muted">/ {page?.name}</span>
        <span className={`lc-ed-save lc-ed-save--${saveState?.status ?? "saved"}`} role="status" data-save-status={saveState?.status ?? "saved"}>
          {saveLabel[saveState?.status ?? "saved"]}
        </span>
        <span className="lc-ed-spacer" />
        {busy && <span role="status">{busy}</span>}
        <button type="button" aria-label="Undo" title="Undo (Ctrl+Z)" disabled={doc.history.past.length === 0 || preview} onClick={() => dispatch({ type: "undo" })}>
          ↶
        </button>
        <button type="button" aria-label="Redo" title="Redo (Ctrl+Shift+Z)" disabled={doc.history.future.length === 0 || preview} onClick={() => dispatch({ type: "redo" })}>
          ↷
        </button>
        <button type="button" onClick={() => setFocus("settings")}>
          Settings
        </button>
        <button
          type="button"
          aria-pressed={preview}
          onClick={() => {
            setFocus("canvas");
            setPreview(!preview);
          }}
        >
          {preview ? "Back to editing" : "Preview"}
        </button>
        <button type="button" className="lc-ed-primary" onClick={() => void publish()}>
          Publish
        </button>
        {app.isPublished && (
          <a href={`/app/${encodeURIComponent(app.slug)}`} target="_blank" rel="noopener">
            View published app
          </a>
        )}
      </header>
      {saveState && (saveState.status === "conflict" || saveState.status === "error") && (
        <div className="lc-ed-conflict" role="alert">
          <span>{saveState.message}</span>
          {saveState.status === "conflict" ? (
            <>
              <button type="button" onClick={() => void saver.current?.overwrite()}>
                Overwrite with my version
              </button>
              <button
                type="button"
                onClick={() => {
                  if (!window.confirm("Load the other version? Your unsaved changes on this page will be lost.")) return;
                  void editorApi.page(pageId).then((p) => {
                    saver.current?.discard(p.revision);
                    knownTree.current = p.dsl;
                    dispatch({ type: "load", tree: p.dsl });
                    scheduleReload();
                  });
                }}
              >
                Load the other version
              </button>
            </>
          ) : (
            <button type="button" onClick={() => void saver.current?.retry()}>
              Try again
            </button>
          )}
        </div>
      )}
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
                focus={focus}
                onOpenPage={(id) => void openPage(id).catch((e: unknown) => toast(messageOf(e), "error"))}
                onAddPage={() => void pageCommand("Could not add a page", async () => editorApi.createPage(appId, uniqueName("Page", new Set(pages.map((p) => p.name)))))}
                onRenamePage={(id, name) => void pageCommand("Could not rename the page", () => editorApi.updatePage(id, { name }))}
                onDeletePage={(id) => void pageCommand("Could not delete the page", async () => {
                  await editorApi.deletePage(id);
                  if (id === pageId) {
                    const other = pages.find((p) => p.id !== id);
                    if (other) await openPage(other.id);
                  }
                })}
                onClonePage={(id) => void pageCommand("Could not clone the page", () => clonePage(id))}
                onDefaultPage={(id) => void pageCommand("Could not set the home page", () => editorApi.setDefaultPage(id))}
                onHidePage={(id, hidden) => void pageCommand("Could not change the page", () => editorApi.updatePage(id, { hidden }))}
                onMovePage={(id, delta) =>
                  void pageCommand("Could not reorder", () => {
                    const ids = pages.map((p) => p.id);
                    const at = ids.indexOf(id);
                    ids.splice(at, 1);
                    ids.splice(at + delta, 0, id);
                    return editorApi.reorderPages(appId, ids);
                  })
                }
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
                    .createJsObject(appId, { pageId, name: uniqueName("JSObject", allNames()), body: "export default {\n  value: 1,\n  run() {\n    return this.value;\n  },\n}" })
                    .then((js) => {
                      setJsObjects((l) => [...l, js]);
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

function findByNameCached(tree: Widget, name: string): Widget | undefined {
  const visit = (w: Widget): Widget | undefined => {
    if (w.widgetName === name) return w;
    for (const c of w.children ?? []) {
      const f = visit(c);
      if (f) return f;
    }
    return undefined;
  };
  return visit(tree);
}
