/**
 * The editor's document state: the page tree, the selection and the undo history. Every change to
 * the tree goes through `commit`, so every change (moves, property edits, pastes) can be undone.
 */
import { emptyHistory, record, redo, undo, type History } from "./history";
import { allWidgets, idOf, type Widget } from "./tree";

export interface EditorState {
  readonly tree: Widget;
  readonly selected: readonly string[];
  readonly history: History<Widget>;
}

export type EditorAction =
  /** A new tree from an edit; `key` merges quick edits of one thing into one undo step. */
  | { readonly type: "commit"; readonly tree: Widget; readonly key?: string | null; readonly select?: readonly string[]; readonly now?: number }
  | { readonly type: "undo" }
  | { readonly type: "redo" }
  | { readonly type: "select"; readonly ids: readonly string[] }
  /** Toggle one widget in or out of the selection (shift-click). */
  | { readonly type: "toggle"; readonly id: string }
  /** The tree as the server now has it (another page, a conflict resolved): history starts over. */
  | { readonly type: "load"; readonly tree: Widget }
  /**
   * The server rewrote this page (a rename followed by every reference): one undoable step on top
   * of the history, so the edits before it can still be undone.
   */
  | { readonly type: "rewritten"; readonly tree: Widget }
  /**
   * The tree as the shared document now has it (co-editing: a colleague's edit or one's own read
   * back): the undo history is the shared one then (`useCoEditing`), this one is left alone.
   */
  | { readonly type: "shared"; readonly tree: Widget };

export function initialState(tree: Widget): EditorState {
  return { tree, selected: [], history: emptyHistory() };
}

function existing(tree: Widget, ids: readonly string[]): string[] {
  const present = new Set(allWidgets(tree).map(idOf));
  return ids.filter((id) => present.has(id));
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case "commit": {
      if (action.tree === state.tree) return action.select ? { ...state, selected: action.select } : state;
      const history = record(state.history, state.tree, action.key ?? null, action.now ?? Date.now());
      return { tree: action.tree, history, selected: existing(action.tree, action.select ?? state.selected) };
    }
    case "undo": {
      const step = undo(state.history, state.tree);
      return step ? { tree: step.state, history: step.history, selected: existing(step.state, state.selected) } : state;
    }
    case "redo": {
      const step = redo(state.history, state.tree);
      return step ? { tree: step.state, history: step.history, selected: existing(step.state, state.selected) } : state;
    }
    case "select":
      return { ...state, selected: existing(state.tree, action.ids) };
    case "toggle":
      return {
        ...state,
        selected: state.selected.includes(action.id) ? state.selected.filter((id) => id !== action.id) : existing(state.tree, [...state.selected, action.id]),
      };
    case "rewritten": {
      if (action.tree === state.tree) return state;
      return { tree: action.tree, history: record(state.history, state.tree, null, 0), selected: existing(action.tree, state.selected) };
    }
    case "shared":
      return action.tree === state.tree ? state : { ...state, tree: action.tree, selected: existing(action.tree, state.selected) };
    case "load":
      return { tree: action.tree, selected: existing(action.tree, state.selected), history: emptyHistory() };
  }
}
