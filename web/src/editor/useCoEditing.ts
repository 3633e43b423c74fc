/**
 * Co-editing in the editor (docs/realtime.md): the application's shared document over the
 * `edit:` channel becomes the source of the page tree, the queries' config and the JS objects'
 * code while it is connected.
 *
 * - Every edit of the tree is written into the document as the difference from the tree it was
 *   made on; the tree the editor shows is read back from the document, so a colleague's edit and
 *   one's own arrive the same way.
 * - Autosave through REST is off for what the document holds (tree, query config, JS code): the
 *   server folds the document into the store (every 2 s and when the last editor leaves), so two
 *   writers never fight. Query and JS settings still save through REST.
 * - The property pane's code fields type into widget properties held as Y.Text (bindingTexts.ts,
 *   offered here for the open page), on this person's undo history.
 * - Undo and redo are this person's own edits only (Y.UndoManager on the editor's origin).
 * - Until the first sync the editor waits (up to `SYNC_WAIT_MS`); when the channel cannot be
 *   joined it edits alone through REST as before, and says why.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type Dispatch, type MutableRefObject } from "react";
import type * as Y from "yjs";

import { api } from "../api/http";
import type { ChannelStatus } from "../realtime/channel";
import { CoEditSession, colorFor, type Peer } from "../realtime/session";
import { actionText, jsObjectText, readAction, readJsObject } from "../realtime/sharedEntities";
import { jsonEqual, readTree, treeMap } from "../realtime/sharedTree";
import type { SaveState } from "./autosave";
import { offerBindings } from "./bindingTexts";
import { editorApi, type ActionRecord, type JsChanges, type JsObjectRecord } from "./editorApi";
import type { EditorAction, EditorState } from "./editorState";
import type { Widget } from "./tree";

export const SYNC_WAIT_MS = 5000;
/** How long `flush` waits for the server to say it stored the latest edits. */
export const FOLD_WAIT_MS = 5000;

export type CoEditMode = "pending" | "live" | "alone";

export interface SharedText {
  readonly text: Y.Text;
  readonly awareness: CoEditSession["awareness"];
  /** Typing goes on this history (the session's: the top bar's Undo takes it back); else the field's own. */
  readonly undoManager?: Y.UndoManager;
}

type Update<T> = (update: T | ((before: T) => T)) => void;

export interface CoEditingContext {
  readonly appId: string;
  readonly pageId: string | null;
  readonly doc: MutableRefObject<EditorState>;
  readonly selected: readonly string[];
  readonly dispatch: Dispatch<EditorAction>;
  readonly setActions: Update<ActionRecord[]>;
  readonly setJsObjects: Update<JsObjectRecord[]>;
  readonly scheduleReload: () => void;
  /** The REST edit state changed (a page added, a rename, an import): read the lists again. */
  readonly onReloaded: (reason: string) => Promise<void>;
  readonly toast: (message: string, style?: "info" | "success" | "warning" | "error") => void;
  /** The document took a JS object's code: a REST save of code typed before it held the object is stale. */
  readonly forgetJsBody: (id: string) => void;
}

export function useCoEditing(ctx: CoEditingContext) {
  const { appId } = ctx;
  const [mode, setMode] = useState<CoEditMode>("pending");
  const [status, setStatus] = useState<{ status: ChannelStatus; problem: string | null }>({ status: "connecting", problem: null });
  const [peers, setPeers] = useState<readonly Peer[]>([]);
  const [history, setHistory] = useState({ canUndo: false, canRedo: false });
  const [saveState, setSaveState] = useState<SaveState>({ status: "saved", revision: 0, message: null, diagnostics: [] });
  const session = useRef<CoEditSession | null>(null);
  const modeNow = useRef(mode);
  modeNow.current = mode;
  const latest = useRef(ctx);
  latest.current = ctx;
  /** Local edits not yet seen in the store, and who waits for the next `saved` frame. */
  const unsaved = useRef(0);
  const waiters = useRef<(() => void)[]>([]);
  const overlay = useRef<() => void>(() => undefined);
  /**
   * JS objects edited here before the document held them (a new object whose room entry had not
   * arrived yet): their code went to REST, and when they appear in the document it takes this code.
   */
  const unshared = useRef(new Map<string, string>());
  /** Bumped when a JS object's shared text appears or is replaced, so code fields bind to it. */
  const [, setTexts] = useState(0);

  useEffect(() => {
    const wake = () => {
      for (const w of waiters.current.splice(0)) w();
    };
    const s = new CoEditSession(appId, {
      synced: () => {
        if (modeNow.current === "pending") setMode("live");
      },
      status: (next, problem) => {
        setStatus({ status: next, problem });
        if (next === "closed" && modeNow.current === "pending") setMode("alone");
      },
      peers: setPeers,
      history: (canUndo, canRedo) => setHistory({ canUndo, canRedo }),
      message: (m) => {
        if (m["type"] === "saved") {
          // The open page's lint diagnostics come with its fold (the property pane shows them).
          const pid = latest.current.pageId;
          const lint = (m["diagnostics"] as Record<string, unknown[]> | undefined)?.[pid ?? ""];
          setSaveState((st) => ({ ...st, status: "saved", message: null, ...(Array.isArray(lint) ? { diagnostics: lint } : {}) }));
          wake();
        } else if (m["type"] === "invalid") {
          setSaveState((st) => ({ ...st, status: "error", message: `Not saved: ${String(m["message"] ?? "the shared state is not valid")}` }));
          wake();
        } else if (m["type"] === "reloaded") {
          // The lists come from REST; what the document holds is laid over them again.
          void latest.current.onReloaded(String(m["reason"] ?? "")).then(() => overlay.current(), () => undefined);
        }
        else if (m["type"] === "error" && modeNow.current === "live") latest.current.toast(String(m["message"] ?? "Live editing error"), "error");
      },
    });
    session.current = s;
    const onLocal = (_u: Uint8Array, origin: unknown) => {
      if (origin === s.provider) return;
      unsaved.current += 1;
      setSaveState((st) => (st.status === "saving" ? st : { ...st, status: "saving", message: null }));
    };
    s.doc.on("update", onLocal);
    const timer = setTimeout(() => {
      if (modeNow.current === "pending") setMode("alone");
    }, SYNC_WAIT_MS);
    return () => {
      clearTimeout(timer);
      s.doc.off("update", onLocal);
      wake();
      s.destroy();
      session.current = null;
    };
  }, [appId]);

  // Alone: the channel is not used at all (REST saves everything, as without co-editing).
  useEffect(() => {
    if (mode === "alone") session.current?.provider.channel.stop();
  }, [mode]);

  const live = mode === "live";

  // The page tree follows the document: on opening a page and on every change to it.
  const { pageId } = ctx;
  useEffect(() => {
    const s = session.current;
    if (!live || !s || !pageId) return undefined;
    let last: Widget | null = null;
    const read = () => {
      const tree = readTree(s.doc, pageId, last ?? latest.current.doc.current.tree);
      if (!tree || tree === last) return;
      last = tree;
      latest.current.dispatch({ type: "shared", tree });
    };
    read();
    const pages = s.doc.getMap("pages");
    pages.observeDeep(read);
    return () => pages.unobserveDeep(read);
  }, [live, pageId]);

  // Queries' config and JS objects' code follow the document; ids the lists lack are read again.
  useEffect(() => {
    const s = session.current;
    if (!live || !s) return undefined;
    const actionsMap = s.doc.getMap("actions");
    const jsMap = s.doc.getMap("jsObjects");
    const onActions = () => {
      let changed = false;
      latest.current.setActions((list) => {
        const next = list.map((a) => {
          const shared = readAction(s.doc, a.id);
          if (!shared || jsonEqual(shared.config, a.config)) return a;
          changed = true;
          return { ...a, config: { ...a.config, ...shared.config } };
        });
        return changed ? next : list;
      });
      if (changed) latest.current.scheduleReload();
    };
    const texts = new Map<string, Y.Text | undefined>();
    const onJs = () => {
      let rebind = false;
      for (const id of new Set([...texts.keys(), ...jsMap.keys()])) {
        const text = jsObjectText(s.doc, id);
        if (texts.get(id) !== text) rebind = true;
        if (text) texts.set(id, text);
        else texts.delete(id);
      }
      if (rebind) setTexts((n) => n + 1);
      const typed = [...unshared.current].filter(([id]) => texts.has(id));
      for (const [id] of typed) unshared.current.delete(id);
      if (typed.length > 0) {
        // Typed before the document had these objects: the document takes that code (not the reverse).
        queueMicrotask(() => {
          if (session.current === s) for (const [id, body] of typed) s.editJsBody(id, body);
        });
      }
      const keep = new Set(typed.map(([id]) => id));
      let changed = false;
      latest.current.setJsObjects((list) => {
        const next = list.map((j) => {
          const shared = readJsObject(s.doc, j.id);
          if (!shared || shared.body === j.body) return j;
          if (keep.has(j.id)) return j;
          changed = true;
          return { ...j, body: shared.body };
        });
        return changed ? next : list;
      });
      if (changed) latest.current.scheduleReload();
    };
    overlay.current = () => {
      onActions();
      onJs();
    };
    overlay.current();
    actionsMap.observeDeep(onActions);
    jsMap.observeDeep(onJs);
    return () => {
      overlay.current = () => undefined;
      actionsMap.unobserveDeep(onActions);
      jsMap.unobserveDeep(onJs);
    };
  }, [live]);

  // The property pane's code fields type into the open page's widget properties as shared texts.
  useEffect(() => {
    const s = session.current;
    if (!live || !s || !pageId) return undefined;
    return offerBindings({ doc: s.doc, pageId, awareness: s.awareness, undoManager: s.undoManager });
  }, [live, pageId]);

  // Presence: who this is, the page open and the selection.
  const [me, setMe] = useState<{ id: string; name: string } | null>(null);
  useEffect(() => {
    api<{ id: string; name: string; email: string }>("/me").then((u) => setMe({ id: u.id, name: u.name || u.email }), () => undefined);
  }, []);
  const { selected } = ctx;
  useEffect(() => {
    if (!live || !me) return;
    session.current?.setPresence({ user: { id: me.id, name: me.name, color: colorFor(me.id) }, pageId, selection: [...selected] });
  }, [live, me, pageId, selected]);

  /** An edit of the tree (what `commit` does alone); false when the page is not shared yet. */
  const commitTree = useCallback((tree: Widget, select?: readonly string[]): boolean => {
    const s = session.current;
    const pid = latest.current.pageId;
    if (modeNow.current !== "live" || !s || !pid) return false;
    if (!treeMap(s.doc, pid)) {
      latest.current.toast("This page is not shared yet; try again in a moment.", "warning");
      return true;
    }
    s.editTree(pid, latest.current.doc.current.tree, tree);
    if (select) latest.current.dispatch({ type: "select", ids: select });
    return true;
  }, []);

  /** Undo and redo go to this person's shared history when live. */
  const dispatch = useCallback((action: EditorAction) => {
    const s = session.current;
    if (modeNow.current === "live" && s && (action.type === "undo" || action.type === "redo")) {
      if (action.type === "undo") s.undo();
      else s.redo();
      return;
    }
    latest.current.dispatch(action);
  }, []);

  /** Writes what the document holds of an action change; returns what REST still saves. */
  const actionChange = useCallback((action: ActionRecord, changes: { config?: Record<string, unknown>; settings?: ActionRecord["settings"] }) => {
    const s = session.current;
    if (modeNow.current !== "live" || !s || !readAction(s.doc, action.id)) return changes;
    if (changes.config) s.editActionConfig(action.id, action.config, changes.config);
    return changes.settings ? { settings: changes.settings } : null;
  }, []);

  const jsChange = useCallback((js: JsObjectRecord, changes: JsChanges): JsChanges | null => {
    const s = session.current;
    if (modeNow.current !== "live" || !s) return changes;
    if (!readJsObject(s.doc, js.id)) {
      if (changes.body !== undefined) unshared.current.set(js.id, changes.body);
      return changes;
    }
    unshared.current.delete(js.id);
    if (changes.body !== undefined) {
      s.editJsBody(js.id, changes.body);
      latest.current.forgetJsBody(js.id);
    }
    return changes.settings ? { settings: changes.settings } : null;
  }, []);

  /** The Y.Text a code editor binds to (text merges character by character, with cursors). */
  const sharedText = useCallback((kind: "action" | "js", id: string, key = "body"): SharedText | undefined => {
    const s = session.current;
    if (modeNow.current !== "live" || !s) return undefined;
    const text = kind === "js" ? jsObjectText(s.doc, id) : actionText(s.doc, id, key);
    return text ? { text, awareness: s.awareness } : undefined;
  }, []);

  /**
   * Wait until the store holds this person's edits (before publish, run, rename): after each
   * `saved` frame, the store's copy of the open page, the queries and the JS objects is compared
   * with the document (a `saved` may come from a fold that began before the latest edit).
   */
  const flush = useCallback(async (): Promise<void> => {
    const s = session.current;
    const edits = unsaved.current;
    if (modeNow.current !== "live" || !s || edits === 0) return;
    const deadline = Date.now() + FOLD_WAIT_MS;
    while (Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(1000, Math.max(0, deadline - Date.now())));
        waiters.current.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (session.current !== s) return;
      if (await storeHolds(s, appId, latest.current.pageId).catch(() => false)) {
        unsaved.current = Math.max(0, unsaved.current - edits);
        return;
      }
    }
  }, [appId]);

  /**
   * Lay what the document holds over the lists again, after they were read from REST (a rename):
   * the store may lag the document, and the document's observers fire only on its next change.
   */
  const reapplyShared = useCallback(() => overlay.current(), []);

  const label = useMemo(() => {
    if (mode === "alone") return status.problem ? `Editing alone: ${status.problem}` : "Editing alone: live editing is not available.";
    if (status.status === "offline" || (status.status !== "open" && mode === "live")) return status.problem ?? "Reconnecting…";
    return null;
  }, [mode, status]);

  return { mode, live, status, label, peers, history, saveState, commitTree, dispatch, actionChange, jsChange, sharedText, flush, reapplyShared };
}

/** Does the store hold what the shared document has (the open page, every query and JS object)? */
async function storeHolds(s: CoEditSession, appId: string, pageId: string | null): Promise<boolean> {
  const [page, actions, jsObjects] = await Promise.all([pageId ? editorApi.page(pageId) : null, editorApi.actions(appId), editorApi.jsObjects(appId)]);
  if (page && pageId && !jsonEqual(page.dsl, readTree(s.doc, pageId))) return false;
  if (actions.some((a) => !jsonEqual(readAction(s.doc, a.id)?.config ?? a.config, a.config))) return false;
  return jsObjects.every((j) => (readJsObject(s.doc, j.id)?.body ?? j.body) === j.body);
}
