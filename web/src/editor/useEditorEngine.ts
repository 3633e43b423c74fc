/**
 * The editor's live engine: started once, loaded with the page being edited (its tree, the page's
 * queries with the data they last returned, its JS objects) in edit mode, told each property edit,
 * and reloaded (debounced) after any change it cannot apply as property changes. Holds the values
 * and errors it evaluated, for the canvas, the property pane and autocomplete.
 */
import { useCallback, useEffect, useRef, useState, type MutableRefObject } from "react";

import { EngineClient } from "../engine/client";
import { libraryProblems, type LibraryCode, type LibraryLoad } from "../engine/customLibraries";
import type { AlertStyle, EvaluationError, EvaluationUpdate } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import { toActionResult } from "../runtime/serverActions";
import { runServerCall, workflowIds } from "../runtime/serverCalls";
import { editorApi, type ActionRecord, type AppDetail, type Execution, type JsObjectRecord } from "./editorApi";
import type { EditorState } from "./editorState";
import { propertyChanges } from "./engineSync";
import { useJsLibraries } from "./useJsLibraries";
import type { Widget } from "./tree";

export type Values = Record<string, Record<string, unknown>>;
export type Errors = Record<string, readonly EvaluationError[]>;

/** What the engine is loaded from, as of the last render (read when a load starts). */
export interface EditedApp {
  readonly doc: EditorState;
  readonly actions: readonly ActionRecord[];
  readonly jsObjects: readonly JsObjectRecord[];
  readonly pageId: string | null;
  readonly app: AppDetail | null;
  readonly manifests: readonly WidgetManifest[];
}

export interface EngineHooks {
  /** The application: its JS libraries (app-wide) run in the worker before the page. */
  readonly appId: string;
  /** The app being edited, kept current by the editor. */
  readonly latest: MutableRefObject<EditedApp>;
  /** The datasource environment queries run in. */
  readonly environment: MutableRefObject<string>;
  readonly toast: (message: string, style?: AlertStyle) => void;
  readonly setLogs: (update: (logs: string[]) => string[]) => void;
  readonly setExecutions: (update: (executions: Record<string, Execution>) => Record<string, Execution>) => void;
}

const ENGINE_RELOAD_DELAY_MS = 150;

const dataKey = (pageId: string | null, name: string): string => `${pageId ?? ""}\u0000${name}`;

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

export function useEditorEngine({ appId, latest, environment, toast, setLogs, setExecutions }: EngineHooks) {
  const libraries = useJsLibraries(appId);
  const libraryCodes = useRef<readonly LibraryCode[]>([]);
  libraryCodes.current = libraries.codes;
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<Errors>({});
  const engine = useRef<EngineClient | null>(null);
  /** The tree the engine holds; property edits are sent as changes against it. */
  const engineTree = useRef<Widget | null>(null);
  /** Each query's last data, kept across reloads so bindings keep showing it, by page and name:
   * names are per page, so another page's `getOrders` is another query. */
  const actionData = useRef<Record<string, unknown>>({});
  /** The page the engine holds. */
  const enginePage = useRef<string | null>(null);
  const reloadTimer = useRef<number | null>(null);
  /** Library code (by hash) the current worker has run; a library's globals stay until it restarts. */
  const librariesSent = useRef(new Set<string>());
  const [libraryLoads, setLibraryLoads] = useState<readonly LibraryLoad[]>([]);
  const [generation, setGeneration] = useState(0);

  const onUpdate = useCallback((update: EvaluationUpdate) => {
    for (const [key, value] of Object.entries(update.values)) if (key.endsWith(".data")) actionData.current[dataKey(enginePage.current, key.slice(0, -5))] = value;
    setValues((v) => applyUpdate(v, update));
    setErrors((e) => mergeErrors(e, update));
  }, []);

  const reloadEngine = useCallback(async () => {
    const client = engine.current;
    const { doc: d, actions: acts, jsObjects: js, pageId: pid, app: a, manifests: ms } = latest.current;
    if (!client || !pid || !a || ms.length === 0) return;
    const wanted = new Set(libraryCodes.current.map((l) => l.sha256));
    if ([...librariesSent.current].some((sha) => !wanted.has(sha))) {
      setGeneration((g) => g + 1); // a library was removed: only a fresh worker forgets its globals
      return;
    }
    const fresh = libraryCodes.current.filter((l) => !librariesSent.current.has(l.sha256));
    if (fresh.length > 0) {
      for (const l of fresh) librariesSent.current.add(l.sha256);
      const loads = await client.loadLibraries(fresh);
      setLibraryLoads((before) => [...before, ...loads]);
      const problems = libraryProblems(loads);
      if (problems) toast(problems, "error");
    }
    engineTree.current = d.tree;
    enginePage.current = pid;
    const update = await client.load(
      ms,
      {
        dsl: d.tree,
        actions: acts.filter((x) => x.pageId === pid).map((x) => ({ name: x.name, id: x.id, config: x.config, settings: x.settings, ...(dataKey(pid, x.name) in actionData.current ? { data: actionData.current[dataKey(pid, x.name)] } : {}) })),
        jsObjects: js.filter((x) => x.pageId === pid).map((x) => ({ name: x.name, body: x.body, settings: x.settings ?? {} })),
      },
      { store: {}, url: window.location.href, theme: a.theme, mode: "EDIT" },
    );
    setValues({});
    onUpdate(update);
  }, [latest, onUpdate, toast]);

  const scheduleReload = useCallback(() => {
    if (reloadTimer.current !== null) window.clearTimeout(reloadTimer.current);
    reloadTimer.current = window.setTimeout(() => {
      reloadTimer.current = null;
      reloadEngine().catch((e: unknown) => console.error(e));
    }, ENGINE_RELOAD_DELAY_MS);
  }, [reloadEngine]);

  /** The developer changed the tree: send the property changes, or reload when it is more. */
  const syncTree = useCallback(
    (tree: Widget) => {
      const before = engineTree.current;
      if (!before) return;
      const changes = propertyChanges(before, tree);
      if (changes === null) {
        scheduleReload();
        return;
      }
      engineTree.current = tree;
      for (const c of changes) engine.current?.updateProperty(c.widget, c.name, c.raw).then(onUpdate, () => scheduleReload());
    },
    [onUpdate, scheduleReload],
  );

  /** Forget the queries' last data (after a rename, names may mean other queries). */
  const forgetActionData = useCallback(() => {
    actionData.current = {};
  }, []);

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
        const response = await editorApi.execute(request.actionId, a.id, { ...request.params }, environment.current);
        setExecutions((x) => ({ ...x, [request.actionId as string]: response }));
        return toActionResult(response);
      },
      confirmAction: async (name) => window.confirm(`Run ${name}?`),
      callServer: async (call) => {
        const { app: a, jsObjects: js, pageId: pid } = latest.current;
        if (!a) return { ok: false, data: undefined, error: "the application is not loaded yet" };
        return runServerCall(call, { applicationId: a.id, mode: "edit", workflows: workflowIds(js, pid ?? undefined) });
      },
    });
    engine.current = client;
    librariesSent.current = new Set();
    setLibraryLoads([]);
    if (generation > 0) scheduleReload();
    return () => {
      client.dispose();
      engine.current = null;
    };
  }, [environment, latest, onUpdate, setExecutions, setLogs, toast, generation, scheduleReload]);

  // The app's libraries changed (or arrived): the engine loads the new ones, or restarts without a removed one.
  useEffect(() => {
    if (libraries.version > 0) scheduleReload();
  }, [libraries.version, scheduleReload]);

  return { engine, values, errors, onUpdate, reloadEngine, scheduleReload, syncTree, forgetActionData, libraryLoads, libraries };
}
