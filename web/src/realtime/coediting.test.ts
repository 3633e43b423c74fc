/**
 * Two editors of one page through shared documents (two Y.Docs exchanging updates as the server
 * relays them): different widgets and different properties both stay, the same property
 * converges, text merges character by character, undo takes back only one's own edits, and edits
 * made offline merge on reconnect.
 */
import { describe, expect, test } from "vitest";
import * as Y from "yjs";

import type { WidgetNode } from "../engine/page";
import { pair, seedAction, seedJsObject, seedPage } from "../testing/sharedDocs";
import { actionText, readAction, readJsObject } from "./sharedEntities";
import { readTree } from "./sharedTree";
import { CoEditSession, LOCAL_EDIT } from "./session";
import { writeActionConfig, writeJsBody } from "./sharedEntities";
import { writeTree } from "./sharedTree";

const PAGE = "p1";
const ROOT: WidgetNode = {
  widgetId: "0",
  widgetName: "MainContainer",
  type: "CANVAS_WIDGET",
  leftColumn: 0,
  rightColumn: 64,
  topRow: 0,
  bottomRow: 100,
  children: [
    { widgetId: "w1", widgetName: "Text1", type: "TEXT_WIDGET", text: "one", leftColumn: 0, rightColumn: 16, topRow: 0, bottomRow: 4 },
    { widgetId: "w2", widgetName: "Input1", type: "INPUT_WIDGET_V2", defaultText: "", leftColumn: 0, rightColumn: 16, topRow: 5, bottomRow: 9 },
    { widgetId: "c1", widgetName: "Container1", type: "CONTAINER_WIDGET", leftColumn: 20, rightColumn: 40, topRow: 0, bottomRow: 20, children: [] },
  ],
};

type W = WidgetNode;
const find = (t: W, id: string): W | undefined => (t.widgetId === id ? t : (t.children ?? []).map((c) => find(c, id)).find(Boolean));
const setProp = (t: W, id: string, key: string, value: unknown): W =>
  t.widgetId === id ? { ...t, [key]: value } : t.children ? { ...t, children: t.children.map((c) => setProp(c, id, key, value)) } : t;
const addChild = (t: W, parent: string, child: W): W =>
  t.widgetId === parent ? { ...t, children: [...(t.children ?? []), child] } : t.children ? { ...t, children: t.children.map((c) => addChild(c, parent, child)) } : t;
const remove = (t: W, id: string): W => (t.children ? { ...t, children: t.children.filter((c) => c.widgetId !== id).map((c) => remove(c, id)) } : t);

/** One editor: the tree it shows is read from its document, each edit written as a diff. */
function editor(doc: Y.Doc) {
  return {
    get tree(): W {
      return readTree(doc, PAGE) as W;
    },
    edit(fn: (t: W) => W) {
      const base = readTree(doc, PAGE) as W;
      doc.transact(() => writeTree(doc, PAGE, base, fn(base)), LOCAL_EDIT);
    },
  };
}

function twoEditors() {
  const link = pair();
  seedPage(link.a, PAGE, ROOT);
  return { ...link, one: editor(link.a), two: editor(link.b) };
}

describe("the page tree in the shared document", () => {
  test("reads back as the seeded tree, and an edit in one reaches the other", () => {
    const { one, two } = twoEditors();
    expect(two.tree).toEqual(ROOT);
    one.edit((t) => setProp(t, "w1", "text", "hello"));
    expect(find(two.tree, "w1")?.["text"]).toBe("hello");
  });

  test("reading again reuses the widgets that did not change", () => {
    const { a, one } = twoEditors();
    const before = readTree(a, PAGE) as W;
    one.edit((t) => setProp(t, "w1", "text", "changed"));
    const after = readTree(a, PAGE, before) as W;
    expect(find(after, "w2")).toBe(find(before, "w2"));
    expect(find(after, "w1")).not.toBe(find(before, "w1"));
    expect(readTree(a, PAGE, after)).toBe(after);
  });

  test("different widgets edited at once: both changes stay", () => {
    const { a, b, one, two, offline, online } = twoEditors();
    offline(a);
    one.edit((t) => setProp(t, "w1", "text", "from one"));
    two.edit((t) => setProp(t, "w2", "defaultText", "from two"));
    online(a);
    for (const e of [one, two]) {
      expect(find(e.tree, "w1")?.["text"]).toBe("from one");
      expect(find(e.tree, "w2")?.["defaultText"]).toBe("from two");
    }
    expect(readTree(a, PAGE)).toEqual(readTree(b, PAGE));
  });

  test("one widget, different properties at once: both stay", () => {
    const { a, one, two, offline, online } = twoEditors();
    offline(a);
    one.edit((t) => setProp(t, "w1", "text", "new text"));
    two.edit((t) => setProp(setProp(t, "w1", "leftColumn", 8), "w1", "rightColumn", 24));
    online(a);
    for (const e of [one, two]) expect(find(e.tree, "w1")).toMatchObject({ text: "new text", leftColumn: 8, rightColumn: 24 });
  });

  test("the same property at once converges to one value in both", () => {
    const { a, b, one, two, offline, online } = twoEditors();
    offline(a);
    one.edit((t) => setProp(t, "w1", "text", "A"));
    two.edit((t) => setProp(t, "w1", "text", "B"));
    online(a);
    const value = find(one.tree, "w1")?.["text"];
    expect(["A", "B"]).toContain(value);
    expect(find(two.tree, "w1")?.["text"]).toBe(value);
    expect(readTree(a, PAGE)).toEqual(readTree(b, PAGE));
  });

  test("widgets added at once to one container are both there, in the same order everywhere", () => {
    const { a, b, one, two, offline, online } = twoEditors();
    offline(b);
    one.edit((t) => addChild(t, "c1", { widgetId: "n1", widgetName: "Button1", type: "BUTTON_WIDGET" }));
    two.edit((t) => addChild(t, "c1", { widgetId: "n2", widgetName: "Button2", type: "BUTTON_WIDGET" }));
    online(b);
    const ids = (find(one.tree, "c1")?.children ?? []).map((c) => c.widgetId).sort();
    expect(ids).toEqual(["n1", "n2"]);
    expect(readTree(a, PAGE)).toEqual(readTree(b, PAGE));
  });

  test("an edit made on an older tree does not undo what arrived meanwhile", () => {
    const { a, one, two } = twoEditors();
    const stale = readTree(a, PAGE) as W;
    two.edit((t) => setProp(t, "w2", "defaultText", "theirs"));
    // One's handler still holds the tree from before the remote edit.
    a.transact(() => writeTree(a, PAGE, stale, setProp(stale, "w1", "text", "mine")), LOCAL_EDIT);
    expect(find(one.tree, "w2")?.["defaultText"]).toBe("theirs");
    expect(find(one.tree, "w1")?.["text"]).toBe("mine");
  });

  test("a widget deleted by one while the other edits it is gone in both, and the tree stays whole", () => {
    const { a, b, one, two, offline, online } = twoEditors();
    offline(a);
    one.edit((t) => remove(t, "w1"));
    two.edit((t) => setProp(t, "w1", "text", "edited"));
    online(a);
    for (const e of [one, two]) {
      expect(find(e.tree, "w1")).toBeUndefined();
      expect(find(e.tree, "w2")).toBeDefined();
    }
    expect(readTree(a, PAGE)).toEqual(readTree(b, PAGE));
  });

  test("a widget moved into a container leaves its old parent", () => {
    const { one, two } = twoEditors();
    one.edit((t) => addChild(remove(t, "w1"), "c1", find(t, "w1") as W));
    expect((two.tree.children ?? []).map((c) => c.widgetId)).toEqual(["w2", "c1"]);
    expect((find(two.tree, "c1")?.children ?? []).map((c) => c.widgetId)).toEqual(["w1"]);
    expect(find(two.tree, "w1")?.["text"]).toBe("one");
  });
});

describe("queries and JS objects in the shared document", () => {
  test("the same SQL text typed at once merges character by character", () => {
    const { a, b, offline, online } = pair();
    seedAction(a, "q1", PAGE, "Query1", { sql: "select * from orders", timeoutMs: 1000 });
    offline(a);
    a.transact(() => writeActionConfig(a, "q1", { sql: "select * from orders" }, { sql: "select id, * from orders" }), LOCAL_EDIT);
    b.transact(() => writeActionConfig(b, "q1", { sql: "select * from orders" }, { sql: "select * from orders limit 10" }), LOCAL_EDIT);
    online(a);
    expect(readAction(a, "q1")?.config["sql"]).toBe("select id, * from orders limit 10");
    expect(readAction(b, "q1")?.config).toEqual({ sql: "select id, * from orders limit 10", timeoutMs: 1000 });
    expect(actionText(b, "q1", "sql")).toBeInstanceOf(Y.Text);
  });

  test("a JS object's body merges edits from two people", () => {
    const { a, b, offline, online } = pair();
    seedJsObject(a, "j1", PAGE, "Utils", "export default {\n  a: 1,\n}");
    offline(b);
    a.transact(() => writeJsBody(a, "j1", "export default {\n  a: 1,\n  b: 2,\n}"), LOCAL_EDIT);
    b.transact(() => writeJsBody(b, "j1", "export default {\n  z: 0,\n  a: 1,\n}"), LOCAL_EDIT);
    online(b);
    expect(readJsObject(a, "j1")?.body).toBe("export default {\n  z: 0,\n  a: 1,\n  b: 2,\n}");
    expect(readJsObject(b, "j1")?.body).toBe(readJsObject(a, "j1")?.body);
  });

  test("a non-text config value is set whole", () => {
    const { a, b } = pair();
    seedAction(a, "q1", PAGE, "Query1", { sql: "select 1", headers: [] });
    a.transact(() => writeActionConfig(a, "q1", { sql: "select 1", headers: [] }, { sql: "select 1", headers: [{ key: "x", value: "y" }] }), LOCAL_EDIT);
    expect(readAction(b, "q1")?.config["headers"]).toEqual([{ key: "x", value: "y" }]);
  });
});

describe("undo in a co-editing session", () => {
  test("takes back only this person's edits", () => {
    const { a, b } = pair();
    // Two sessions whose documents are the pair's (no server: the sockets never open).
    const never = { url: "ws://test/api/v1/ws", connect: () => ({ binaryType: "", readyState: 0, send() {}, close() {}, onopen: null, onmessage: null, onclose: null, onerror: null }), events: null };
    const s1 = new CoEditSession("app", {}, never, a);
    const s2 = new CoEditSession("app", {}, never, b);
    seedPage(a, PAGE, ROOT);
    const base = () => readTree(a, PAGE) as W;
    s1.editTree(PAGE, base(), setProp(base(), "w1", "text", "mine"));
    const baseB = readTree(b, PAGE) as W;
    s2.editTree(PAGE, baseB, setProp(baseB, "w2", "defaultText", "theirs"));
    expect(s1.undoManager.canUndo()).toBe(true);
    s1.undo();
    expect(find(readTree(b, PAGE) as W, "w1")?.["text"]).toBe("one");
    expect(find(readTree(b, PAGE) as W, "w2")?.["defaultText"]).toBe("theirs");
    s1.redo();
    expect(find(readTree(a, PAGE) as W, "w1")?.["text"]).toBe("mine");
    // The seed (the server's) and the other's edits are not on this person's stack.
    s1.undo();
    expect(s1.undoManager.canUndo()).toBe(false);
    s1.destroy();
    s2.destroy();
  });
});
