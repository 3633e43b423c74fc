/**
 * The page tree's autosave: one `PageSaver` per page opened (it saves with the page's revision and
 * reports conflicts), told of every tree that differs from the one it last heard of. A layout
 * effect, so the save status turns "unsaved" in the same paint as the edit instead of showing
 * "saved" for a frame.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

import { PageSaver, type SaveState } from "./autosave";
import { editorApi, type PageDetail } from "./editorApi";
import type { Widget } from "./tree";

/**
 * `onEdit` hears of each tree the saver is told of (the engine follows the edits). With `shared`
 * (co-editing) the tree is not saved from here: the server folds the shared document.
 */
export function useAutosave(tree: Widget, onEdit: (tree: Widget) => void, shared = false) {
  const [saveState, setSaveState] = useState<SaveState | null>(null);
  const saver = useRef<PageSaver | null>(null);
  /**
   * The tree the saver last heard of, or the one just loaded from the server: only a different one
   * is saved. Not only the loaded tree, or undoing back to it would never reach the server.
   */
  const knownTree = useRef<Widget | null>(null);

  /** A tree from the server is what it has: not an edit to save. */
  const loaded = useCallback((dsl: Widget) => {
    knownTree.current = dsl;
  }, []);

  /** Save a page just read from the server from now on, starting at its revision. */
  const track = useCallback(
    (page: PageDetail) => {
      loaded(page.dsl);
      saver.current = new PageSaver({ save: (dsl, revision) => editorApi.saveTree(page.id, dsl, revision) }, page.revision, setSaveState);
      setSaveState(saver.current.state);
    },
    [loaded],
  );

  useLayoutEffect(() => {
    if (tree === knownTree.current) return;
    knownTree.current = tree;
    if (!shared) saver.current?.change(tree);
    onEdit(tree);
  }, [tree, onEdit, shared]);

  return { saveState, saver, track, loaded };
}

/** Leaving the page asks first while `unsaved()` says something is not saved yet. */
export function useLeaveWarning(unsaved: () => boolean): void {
  const latest = useRef(unsaved);
  latest.current = unsaved;
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (!latest.current()) return;
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);
}
