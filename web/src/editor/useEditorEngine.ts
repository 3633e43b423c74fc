/**
 * The editor's live engine: started once, loaded with the page being edited (its tree, the page's
 * queries with the data they last returned, its JS objects) in edit mode, told each property edit,
 * and reloaded (debounced) after any change it cannot apply as property changes. Holds the values
 * and errors it evaluated, for the canvas, the property pane and autocomplete.
 */
import { useCallback, useEffect, useRef, useState, type MutableRefObject } from "react";

import { EngineClient } from "../engine/client";
import type { AlertStyle, EvaluationError, EvaluationUpdate } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import { toActionResult } from "../runtime/serverActions";
import { editorApi, type ActionRecord, type AppDetail, type Execution, type JsObjectRecord } from "./editorApi";
import type { EditorState } from "./editorState";
import { propertyChanges } from "./engineSync";
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

export function useEditorEngine({ latest, environment, toast, setLogs, setExecutions }: EngineHooks) {
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

  const onUpdate = useCallback((update: EvaluationUpdate) => {
    for (const [key, value] of Object.entries(update.values)) if (key.endsWith(".data")) actionData.current[dataKey(enginePage.current, key.slice(0, -5))] = value;
    setValues((v) => applyUpdate(v, update));
    setErrors((e) => mergeErrors(e, update));
  }, []);

  const reloadEngine = useCallback(async () => {
    const client = engine.current;
    const { doc: d, actions: acts, jsObjects: js, pageId: pid, app: a, manifests: ms } = latest.current;
    if (!client || !pid || !a || ms.length === 0) return;
    engineTree.current = d.tree;
    enginePage.current = pid;
    const update = await client.load(
      ms,
      {
        dsl: d.tree,
        actions: acts.filter((x) => x.pageId === pid).map((x) => ({ name: x.name, id: x.id, config: x.config, settings: x.settings, ...(dataKey(pid, x.name) in actionData.current ? { data: actionData.current[dataKey(pid, x.name)] } : {}) })),
        jsObjects: js.filter((x) => x.pageId === pid).map((x) => ({ name: x.name, body: x.body })),
      },
      { store: {}, url: window.location.href, theme: a.theme, mode: "EDIT" },
    );
    setValues({});
    onUpdate(update);
  }, [latest, onUpdate]);

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
    });
    engine.current = client;
    return () => {
      client.dispose();
      engine.current = null;
    };
  }, [environment, latest, onUpdate, setExecutions, setLogs, toast]);

  return { engine, values, errors, onUpdate, reloadEngine, scheduleReload, syncTree, forgetActionData };
}
