/**
 * The property pane's code fields as shared texts while co-editing (docs/realtime.md): the
 * co-editing session offers the open page's document here (`offerBindings`, from useCoEditing), and
 * a code field asks for its property's Y.Text (`useBindingText`). When the field is focused, the
 * property becomes a text (`shareProperty`); from then on the field edits the text itself, with
 * the others' cursors, and typing goes on the session's per-person undo history.
 *
 * One editor is open per browser tab, so the offer is held here rather than threaded through the
 * editor's props.
 */
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import type * as Y from "yjs";

import { propertyText, shareProperty } from "../realtime/sharedBindings";
import type { SharedText } from "./useCoEditing";

export interface BindingSource {
  readonly doc: Y.Doc;
  readonly pageId: string;
  readonly awareness: SharedText["awareness"];
  readonly undoManager: Y.UndoManager;
}

let offered: BindingSource | null = null;
const listeners = new Set<() => void>();

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Offer a page's shared document to the code fields; the returned function takes it back. */
export function offerBindings(source: BindingSource): () => void {
  offered = source;
  for (const l of [...listeners]) l();
  return () => {
    if (offered !== source) return;
    offered = null;
    for (const l of [...listeners]) l();
  };
}

export interface BindingText {
  /** The text the field binds to, when the property is one (co-editing only). */
  readonly shared: SharedText | undefined;
  /** The field got or lost focus: a focused field that may hold text makes its property a text. */
  focus(): void;
  blur(): void;
}

/**
 * The shared text of one widget property. `textual`: the property holds text the field may type
 * into as it is (a string, or no value yet); a field showing a list or a number as JSON is not.
 */
export function useBindingText(widgetId: string, property: string, textual: boolean): BindingText {
  const source = useSyncExternalStore(subscribe, () => offered);
  const [text, setText] = useState<Y.Text | undefined>(undefined);
  const [focused, setFocused] = useState(false);

  useEffect(() => {
    if (!source) {
      setText(undefined);
      return undefined;
    }
    const pages = source.doc.getMap("pages");
    const read = () => setText(propertyText(source.doc, source.pageId, widgetId, property));
    read();
    pages.observeDeep(read);
    return () => pages.unobserveDeep(read);
  }, [source, widgetId, property]);

  useEffect(() => {
    if (source && focused && textual && !text) setText(shareProperty(source.doc, source.pageId, widgetId, property));
  }, [source, focused, textual, text, widgetId, property]);

  const shared = useMemo(() => (source && text ? { text, awareness: source.awareness, undoManager: source.undoManager } : undefined), [source, text]);
  return useMemo(() => ({ shared, focus: () => setFocused(true), blur: () => setFocused(false) }), [shared]);
}
