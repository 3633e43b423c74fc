/**
 * Queries and JS objects in the application's shared document (docs/realtime.md):
 * `actions`: id -> Y.Map { name, pageId, config: Y.Map key -> Y.Text (every top-level string) or
 * JSON }, `jsObjects`: id -> Y.Map { name, pageId, body: Y.Text }. Text merges character by
 * character (the code editors bind the Y.Text itself); other config values are whole values.
 * Settings stay in REST.
 */
import * as Y from "yjs";

import { jsonEqual, replaceText } from "./sharedTree";

export { replaceText };

export function actionMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const m = doc.getMap("actions").get(id);
  return m instanceof Y.Map ? (m as Y.Map<unknown>) : undefined;
}

export function jsObjectMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const m = doc.getMap("jsObjects").get(id);
  return m instanceof Y.Map ? (m as Y.Map<unknown>) : undefined;
}

export function actionConfigMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const c = actionMap(doc, id)?.get("config");
  return c instanceof Y.Map ? (c as Y.Map<unknown>) : undefined;
}

/** The Y.Text of one string config value of an action (its SQL, GraphQL query, body, ...). */
export function actionText(doc: Y.Doc, id: string, key: string): Y.Text | undefined {
  const t = actionConfigMap(doc, id)?.get(key);
  return t instanceof Y.Text ? t : undefined;
}

export function jsObjectText(doc: Y.Doc, id: string): Y.Text | undefined {
  const t = jsObjectMap(doc, id)?.get("body");
  return t instanceof Y.Text ? t : undefined;
}

/** An action as the document has it: its name and config with texts as strings. */
export function readAction(doc: Y.Doc, id: string): { name: string; config: Record<string, unknown> } | undefined {
  const m = actionMap(doc, id);
  if (!m) return undefined;
  const config = actionConfigMap(doc, id)?.toJSON() ?? {};
  return { name: String(m.get("name") ?? ""), config: config as Record<string, unknown> };
}

export function readJsObject(doc: Y.Doc, id: string): { name: string; body: string } | undefined {
  const m = jsObjectMap(doc, id);
  if (!m) return undefined;
  return { name: String(m.get("name") ?? ""), body: jsObjectText(doc, id)?.toString() ?? String(m.get("body") ?? "") };
}

/**
 * Write an edited action config into the document: only keys whose value differs from `base`
 * (the config the edit was made on). Strings go into the key's Y.Text. Inside a transaction.
 */
export function writeActionConfig(doc: Y.Doc, id: string, base: Record<string, unknown>, next: Record<string, unknown>): void {
  const config = actionConfigMap(doc, id);
  if (!config) return;
  for (const key of new Set([...Object.keys(base), ...Object.keys(next)])) {
    const value = next[key];
    if (jsonEqual(base[key], value)) continue;
    if (value === undefined) {
      config.delete(key);
      continue;
    }
    const current = config.get(key);
    if (typeof value === "string") {
      if (current instanceof Y.Text) replaceText(current, value);
      else config.set(key, new Y.Text(value));
    } else config.set(key, value);
  }
}

export function writeJsBody(doc: Y.Doc, id: string, body: string): void {
  const text = jsObjectText(doc, id);
  if (text) replaceText(text, body);
}
