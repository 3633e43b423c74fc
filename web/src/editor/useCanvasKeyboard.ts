/**
 * The canvas's keyboard: undo and redo, copy, cut, paste and duplicate, delete, Escape to clear
 * the selection, arrows to nudge (Shift: four cells). Only while the canvas has the focus, not in
 * preview, and never while the developer types in a field or a code editor.
 */
import { useCallback, useEffect, type Dispatch, type MutableRefObject } from "react";

import type { WidgetManifest } from "../engine/manifest";
import { pageStorage } from "../runtime/storage";
import { floats } from "../widgets/editorHints";
import { copyWidgets, loadClip, pasteWidgets, saveClip } from "./clipboard";
import type { EditorAction, EditorState } from "./editorState";
import { moveBox } from "./grid";
import { boxOf, findWidget, holdsWidgets, idOf, parentOf, placeWidgets, removeWidgets, topmost, type Widget } from "./tree";

export interface CanvasKeyboard {
  /** The editor's state as of the last render. */
  readonly doc: MutableRefObject<EditorState>;
  readonly dispatch: Dispatch<EditorAction>;
  readonly commit: (tree: Widget, select?: readonly string[], key?: string) => void;
  readonly manifests: ReadonlyMap<string, WidgetManifest>;
  /** False in preview or while something else than the canvas has the focus. */
  readonly active: boolean;
  /** The page's query and JS object names: a pasted widget keeps its name unless the page uses it. */
  readonly codeNames?: () => ReadonlySet<string>;
}

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || target.closest(".cm-editor") !== null);

export function useCanvasKeyboard({ doc, dispatch, commit, manifests, active, codeNames }: CanvasKeyboard): void {
  /** Where pasted widgets go: into the selected container, else beside the selected widget. */
  const containerFor = useCallback(
    (tree: Widget, selected: readonly string[]): string => {
      const first = selected[0] ? findWidget(tree, selected[0]) : undefined;
      if (first && holdsWidgets(first, manifests) && first.type !== "CANVAS_WIDGET") return idOf(first);
      const parent = first ? parentOf(tree, idOf(first)) : undefined;
      return parent ? idOf(parent) : idOf(tree);
    },
    [manifests],
  );

  const deleteSelected = useCallback(() => {
    const { tree, selected } = doc.current;
    if (selected.length === 0) return;
    commit(removeWidgets(tree, new Set(selected)), []);
  }, [commit, doc]);

  const copySelected = useCallback(() => {
    const { tree, selected } = doc.current;
    if (selected.length === 0) return false;
    saveClip(pageStorage(), copyWidgets(tree, selected));
    return true;
  }, [doc]);

  const paste = useCallback(() => {
    const clip = loadClip(pageStorage());
    const { tree, selected } = doc.current;
    if (!clip) return;
    const result = pasteWidgets(tree, clip, containerFor(tree, selected), codeNames?.());
    commit(result.tree, result.ids);
  }, [codeNames, commit, containerFor, doc]);

  const duplicate = useCallback(() => {
    const { tree, selected } = doc.current;
    if (selected.length === 0) return;
    const parent = parentOf(tree, selected[0] as string);
    const result = pasteWidgets(tree, copyWidgets(tree, selected), parent ? idOf(parent) : idOf(tree), codeNames?.());
    commit(result.tree, result.ids);
  }, [codeNames, commit, doc]);

  const nudge = useCallback(
    (dx: number, dy: number) => {
      const { tree, selected } = doc.current;
      const ids = topmost(tree, selected);
      if (ids.length === 0) return;
      let next = tree;
      for (const id of ids) {
        const w = findWidget(next, id);
        const parent = parentOf(next, id);
        if (!w || !parent || floats(w.type)) continue;
        next = placeWidgets(next, idOf(parent), [{ widget: w, box: moveBox(boxOf(w), dx, dy) }]);
      }
      commit(next, ids, `nudge:${ids.join(",")}`);
    },
    [commit, doc],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || !active) return;
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
      else if (e.key.startsWith("Arrow") && doc.current.selected.length > 0) {
        e.preventDefault();
        const step = e.shiftKey ? 4 : 1;
        nudge(e.key === "ArrowLeft" ? -step : e.key === "ArrowRight" ? step : 0, e.key === "ArrowUp" ? -step : e.key === "ArrowDown" ? step : 0);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active, copySelected, deleteSelected, dispatch, doc, duplicate, nudge, paste]);
}
