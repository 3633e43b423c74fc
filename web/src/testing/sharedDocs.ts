/**
 * For tests: a document filled the way the server seeds it (docs/realtime.md), and two documents
 * that exchange updates like two browsers through the server, with a switch to cut one off.
 */
import * as Y from "yjs";

import type { WidgetNode } from "../engine/page";

export function seedPage(doc: Y.Doc, pageId: string, root: WidgetNode): void {
  doc.transact(() => {
    const page = new Y.Map<unknown>();
    doc.getMap("pages").set(pageId, page);
    page.set("name", "Page1");
    page.set("rootId", root.widgetId ?? "0");
    const tree = new Y.Map<Y.Map<unknown>>();
    page.set("tree", tree);
    const add = (w: WidgetNode) => {
      const m = new Y.Map<unknown>();
      for (const [k, v] of Object.entries(w)) if (k !== "children") m.set(k, v);
      if (w.children) m.set("children", Y.Array.from(w.children.map((c) => c.widgetId as string)));
      tree.set(w.widgetId as string, m);
      for (const c of w.children ?? []) add(c);
    };
    add(root);
  }, "seed");
}

export function seedAction(doc: Y.Doc, id: string, pageId: string, name: string, config: Record<string, unknown>): void {
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    doc.getMap("actions").set(id, m);
    m.set("name", name);
    m.set("pageId", pageId);
    const c = new Y.Map<unknown>();
    m.set("config", c);
    for (const [k, v] of Object.entries(config)) c.set(k, typeof v === "string" ? new Y.Text(v) : v);
  }, "seed");
}

export function seedJsObject(doc: Y.Doc, id: string, pageId: string, name: string, body: string): void {
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    doc.getMap("jsObjects").set(id, m);
    m.set("name", name);
    m.set("pageId", pageId);
    m.set("body", new Y.Text(body));
  }, "seed");
}

/** Two documents joined like two editors through a server; `offline(doc)` cuts one off until `online`. */
export function pair(): { a: Y.Doc; b: Y.Doc; offline(d: Y.Doc): void; online(d: Y.Doc): void } {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const cut = new Set<Y.Doc>();
  const relay = (from: Y.Doc, to: Y.Doc) =>
    from.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === "relay" || cut.has(from) || cut.has(to)) return;
      Y.applyUpdate(to, update, "relay");
    });
  relay(a, b);
  relay(b, a);
  const resync = () => {
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), "relay");
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), "relay");
  };
  return {
    a,
    b,
    offline: (d) => cut.add(d),
    online: (d) => {
      cut.delete(d);
      resync();
    },
  };
}
