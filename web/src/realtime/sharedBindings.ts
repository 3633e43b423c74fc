/**
 * Widget properties typed in the property pane's code fields (bindings such as `{{Query1.data}}`,
 * labels, event code) as Y.Text in the shared document (docs/realtime.md): the field binds the text
 * itself, so two people typing into one property at once both keep their characters, and each sees
 * the other's cursor there.
 *
 * A property becomes a text when someone focuses its code field. Two editors doing so at once make
 * the very same text: it is written under a client id derived from the widget, the property and the
 * value it replaces, so both writes are one item to Yjs instead of two competing ones (of which one
 * would be dropped with whatever was typed into it). The text reads as the string it holds; an empty
 * text reads as no value, as an emptied field always meant.
 */
import * as Y from "yjs";

import { treeMap } from "./sharedTree";

/** The origin of making a property a text: not an edit, so undo never takes it back. */
export const SHARE_TEXT = "lowcraft-share-text";

export function widgetMap(doc: Y.Doc, pageId: string, widgetId: string): Y.Map<unknown> | undefined {
  const m = treeMap(doc, pageId)?.get(widgetId);
  return m instanceof Y.Map ? (m as Y.Map<unknown>) : undefined;
}

/** The Y.Text a property is held in, when it is one. */
export function propertyText(doc: Y.Doc, pageId: string, widgetId: string, key: string): Y.Text | undefined {
  const value = widgetMap(doc, pageId, widgetId)?.get(key);
  return value instanceof Y.Text ? value : undefined;
}

/** A 32-bit hash (FNV-1a), never 0. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h || 1;
}

function idText(id: Y.ID | undefined): string {
  return id ? `${id.client}:${id.clock}` : "-";
}

/**
 * Hold a property as a Y.Text (its current string, or empty when unset) and return it; undefined
 * when the widget is not in the document or the property holds something else (a number, a list,
 * an empty string).
 */
export function shareProperty(doc: Y.Doc, pageId: string, widgetId: string, key: string): Y.Text | undefined {
  const widget = widgetMap(doc, pageId, widgetId);
  if (!widget) return undefined;
  const current = widget.get(key);
  if (current instanceof Y.Text) return current;
  // An empty string stays one (an empty text would read as no value): it becomes a text when typed into.
  if (current === "" || (current !== undefined && typeof current !== "string")) return undefined;
  const replaced = widget._map.get(key);
  const seed = [idText(widget._item?.id), key, idText(replaced?.id), replaced?.deleted ? "deleted" : "", JSON.stringify(current ?? null)].join("\u0000");
  const derived = hash32(seed);
  const own = doc.clientID;
  // A client id someone else uses (or an earlier conversion that no longer holds) is not reused.
  const fresh = derived !== own && Y.getState(doc.store, derived) === 0;
  try {
    if (fresh) doc.clientID = derived;
    doc.transact(() => widget.set(key, new Y.Text(current ?? "")), SHARE_TEXT);
  } finally {
    doc.clientID = own;
  }
  const text = widget.get(key);
  return text instanceof Y.Text ? text : undefined;
}
