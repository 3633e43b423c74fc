/**
 * What the editor's panels do to the app, wired to co-editing: a tree edit goes into the shared
 * document when live (else into the local state, which autosaves); a query's config and a JS
 * object's code likewise, the rest saving through REST after a pause in typing; a rename flushes
 * every save, refactors on the server and reads the lists again; running a query flushes first.
 */
import { useCallback, useRef, type Dispatch, type MutableRefObject } from "react";

import type { AlertStyle } from "../engine/host";
import { entityNameProblem } from "../engine/names";
import { DelayedSaves } from "./delayedSaves";
import { editorApi, messageOf, type ActionRecord, type ConnectorInfo, type DatasourceRecord, type JsChanges, type JsObjectRecord, type PageDetail, type StructureTable } from "./editorApi";
import type { EditorAction } from "./editorState";
import { appendOnce } from "./pageCommands";
import { uniqueName, type Widget } from "./tree";
import type { PageSaver } from "./autosave";
import type { useCoEditing } from "./useCoEditing";
import type { EditedApp, useEditorEngine } from "./useEditorEngine";

const ACTION_SAVE_DELAY_MS = 500;

type Toast = (message: string, style?: AlertStyle) => void;
type Update<T> = (update: T | ((before: T) => T)) => void;
export type PendingSaves = { readonly actions: DelayedSaves<Record<string, unknown>>; readonly js: DelayedSaves<JsChanges> };

/** Queries and JS objects save after a pause in typing (one pair of queues for the editor's life). */
export function useDelayedSaves(toast: Toast): PendingSaves {
  const delayed = useRef<PendingSaves | null>(null);
  delayed.current ??= {
    actions: new DelayedSaves((id, changes) => editorApi.updateAction(id, changes).then(() => undefined, (e: unknown) => toast(`Query not saved: ${messageOf(e)}`, "error")), ACTION_SAVE_DELAY_MS),
    js: new DelayedSaves((id, changes) => editorApi.updateJsObject(id, changes).then(() => undefined, (e: unknown) => toast(`JS object not saved: ${messageOf(e)}`, "error")), ACTION_SAVE_DELAY_MS),
  };
  return delayed.current;
}

export interface EditCommandsContext {
  readonly appId: string;
  readonly latest: MutableRefObject<EditedApp>;
  readonly coedit: ReturnType<typeof useCoEditing>;
  readonly engine: ReturnType<typeof useEditorEngine>;
  readonly saver: MutableRefObject<PageSaver | null>;
  readonly track: (page: PageDetail) => void;
  readonly pendingSaves: PendingSaves;
  readonly dispatch: Dispatch<EditorAction>;
  readonly setActions: Update<ActionRecord[]>;
  readonly setJsObjects: Update<JsObjectRecord[]>;
  readonly setBusy: (busy: string | null) => void;
  readonly setRunning: (id: string | null) => void;
  readonly setFocus: (focus: string) => void;
  readonly connectors: readonly ConnectorInfo[];
  readonly pageNames: () => Set<string>;
  readonly toast: Toast;
}

export function useEditCommands(ctx: EditCommandsContext) {
  const { appId, latest, coedit, saver, track, pendingSaves, dispatch, setActions, setJsObjects, setBusy, setRunning, setFocus, connectors, pageNames, toast } = ctx;
  const { engine, reloadEngine, scheduleReload, forgetActionData } = ctx.engine;

  const { commitTree, flush: flushShared, live, reapplyShared } = coedit;
  const commit = useCallback((tree: Widget, select?: readonly string[], key?: string) => {
    if (!commitTree(tree, select)) dispatch({ type: "commit", tree, ...(select ? { select } : {}), ...(key ? { key } : {}) });
  }, [commitTree, dispatch]);

  const flushAll = useCallback(async () => {
    await saver.current?.flush();
    await Promise.all([pendingSaves.actions.flush(), pendingSaves.js.flush(), flushShared()]);
  }, [pendingSaves, saver, flushShared]);

  const afterRename = useCallback(async () => {
    const pid = latest.current.pageId;
    const [acts, js] = await Promise.all([editorApi.actions(appId), editorApi.jsObjects(appId)]);
    setActions(acts);
    setJsObjects(js);
    if (live) {
      // The store may lag the shared document (a colleague's code not folded yet): lay the
      // document over the lists, and reload the engine again once they show it. The rewritten
      // tree comes through the document.
      reapplyShared();
      scheduleReload();
    } else if (pid) {
      const page = await editorApi.page(pid);
      track(page);
      dispatch({ type: "rewritten", tree: page.dsl });
    }
    latest.current = { ...latest.current, actions: acts, jsObjects: js };
    forgetActionData();
    await reloadEngine();
    await engine.current?.runOnLoadActions();
  }, [appId, engine, forgetActionData, reloadEngine, scheduleReload, track, live, reapplyShared, latest, setActions, setJsObjects, dispatch]);

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
    [appId, afterRename, flushAll, toast, latest, setBusy],
  );

  const { actionChange, jsChange } = coedit;
  const changeAction = useCallback(
    (id: string, changes: { config?: Record<string, unknown>; settings?: ActionRecord["settings"] }) => {
      const before = latest.current.actions.find((a) => a.id === id);
      setActions((list) => list.map((a) => (a.id === id ? { ...a, ...changes } : a)));
      const rest = before ? actionChange(before, changes) : changes; // what the shared document does not hold
      if (rest) pendingSaves.actions.change(id, rest);
      scheduleReload();
    },
    [pendingSaves, scheduleReload, actionChange, latest, setActions],
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
    [engine, flushAll, reloadEngine, toast, setRunning],
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
    [pageNames, appId, connectors, scheduleReload, toast, latest, setActions, setFocus],
  );

  const changeJs = useCallback(
    (id: string, changes: JsChanges) => {
      const before = latest.current.jsObjects.find((j) => j.id === id);
      setJsObjects((list) => list.map((j) => (j.id === id ? { ...j, ...changes } : j)));
      const rest = before ? jsChange(before, changes) : changes;
      if (rest) pendingSaves.js.change(id, rest);
      scheduleReload();
    },
    [pendingSaves, scheduleReload, jsChange, latest, setJsObjects],
  );

  return { commit, flushAll, rename, changeAction, runQuery, addQuery, changeJs };
}
