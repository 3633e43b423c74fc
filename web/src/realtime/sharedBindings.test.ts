// @vitest-environment happy-dom
/**
 * A binding typed by two people at once (issue 18): the widget property is a Y.Text each person's
 * code editor is bound to (y-codemirror.next, as the property pane binds it), so both keep their
 * characters, and the top bar's Undo takes back only one's own typing.
 */
import { EditorView } from "@codemirror/view";
import { afterEach, describe, expect, test } from "vitest";
import { yCollab } from "y-codemirror.next";
import * as Y from "yjs";

import type { WidgetNode } from "../engine/page";
import { pair, seedPage } from "../testing/sharedDocs";
import { propertyText, shareProperty } from "./sharedBindings";
import { CoEditSession, LOCAL_EDIT } from "./session";
import { readTree, writeTree } from "./sharedTree";

const PAGE = "p1";
const ROOT: WidgetNode = {
  widgetId: "0",
  widgetName: "MainContainer",
  type: "CANVAS_WIDGET",
  children: [
    { widgetId: "t1", widgetName: "Table1", type: "TABLE_WIDGET_V2", tableData: "{{Query1.data}}", pageSize: 10 },
    { widgetId: "x1", widgetName: "Text1", type: "TEXT_WIDGET", text: "" },
  ],
};

const widget = (doc: Y.Doc, id: string): WidgetNode | undefined => readTree(doc, PAGE)?.children?.find((w) => w.widgetId === id);

const views: EditorView[] = [];
afterEach(() => {
  for (const v of views.splice(0)) v.destroy();
});

/** A person's code field bound to the text, typing at a place as a keyboard would. */
function field(session: CoEditSession, text: Y.Text) {
  const view = new EditorView({ doc: text.toString(), extensions: [yCollab(text, session.awareness, { undoManager: session.undoManager })], parent: document.body });
  views.push(view);
  return {
    type(at: number | "end", chars: string) {
      for (const c of chars) {
        const pos = at === "end" ? view.state.doc.length : at++;
        view.dispatch({ changes: { from: pos, insert: c }, selection: { anchor: pos + 1 }, userEvent: "input.type" });
      }
    },
    get shown() {
      return view.state.doc.toString();
    },
  };
}

const never = { url: "ws://test/api/v1/ws", connect: () => ({ binaryType: "", readyState: 0, send() {}, close() {}, onopen: null, onmessage: null, onclose: null, onerror: null }), events: null };

function twoPeople() {
  const link = pair();
  seedPage(link.a, PAGE, ROOT);
  const ann = new CoEditSession("app", {}, never, link.a);
  const ben = new CoEditSession("app", {}, never, link.b);
  return { ...link, ann, ben };
}

describe("a binding typed by two people", () => {
  test("focused by both at once, it becomes one text, and both people's characters are kept", () => {
    const { a, b, ann, ben, offline, online } = twoPeople();
    offline(a);
    // Both focus the field before hearing of the other: each makes the property a text.
    const annText = shareProperty(a, PAGE, "t1", "tableData") as Y.Text;
    const benText = shareProperty(b, PAGE, "t1", "tableData") as Y.Text;
    const annField = field(ann, annText);
    const benField = field(ben, benText);
    annField.type("{{Query1.data".length, ".filter(r => r.open)");
    benField.type(2, " ");
    online(a);
    const expected = "{{ Query1.data.filter(r => r.open)}}";
    expect(propertyText(a, PAGE, "t1", "tableData")).toBe(annText);
    expect(propertyText(b, PAGE, "t1", "tableData")).toBe(benText);
    for (const [doc, f] of [[a, annField], [b, benField]] as const) {
      expect(widget(doc, "t1")?.["tableData"]).toBe(expected);
      expect(f.shown).toBe(expected);
    }
    ann.destroy();
    ben.destroy();
  });

  test("typed into at once, each person's characters land where they typed them, in both editors", () => {
    const { a, b, ann, ben, offline, online } = twoPeople();
    const annField = field(ann, shareProperty(a, PAGE, "t1", "tableData") as Y.Text);
    const benField = field(ben, propertyText(b, PAGE, "t1", "tableData") as Y.Text);
    offline(b);
    annField.type("end", " ");
    benField.type(0, "rows: ");
    annField.type("end", "!");
    online(b);
    expect(annField.shown).toBe("rows: {{Query1.data}} !");
    expect(benField.shown).toBe("rows: {{Query1.data}} !");
    expect(widget(b, "t1")?.["tableData"]).toBe("rows: {{Query1.data}} !");
    ann.destroy();
    ben.destroy();
  });

  test("the top bar's Undo takes back only one's own typing", () => {
    const { a, b, ann, ben } = twoPeople();
    const annField = field(ann, shareProperty(a, PAGE, "t1", "tableData") as Y.Text);
    const benField = field(ben, propertyText(b, PAGE, "t1", "tableData") as Y.Text);
    annField.type("{{Query1.data".length, ".rows");
    benField.type(0, "x");
    expect(benField.shown).toBe("x{{Query1.data.rows}}");
    // Making the property a text is not an edit: Ben has only his typing to undo.
    ann.undo();
    expect(widget(b, "t1")?.["tableData"]).toBe("x{{Query1.data}}");
    expect(annField.shown).toBe("x{{Query1.data}}");
    expect(ann.undoManager.canUndo()).toBe(false);
    ben.undo();
    expect(widget(a, "t1")?.["tableData"]).toBe("{{Query1.data}}");
    expect(propertyText(a, PAGE, "t1", "tableData")).toBeInstanceOf(Y.Text);
    ann.redo();
    expect(benField.shown).toBe("{{Query1.data.rows}}");
    ann.destroy();
    ben.destroy();
  });
});

describe("a property held as text, read and written as the page tree", () => {
  test("an emptied text is no value, and an empty string becomes a text only once typed into", () => {
    const { a } = pair();
    seedPage(a, PAGE, ROOT);
    expect(shareProperty(a, PAGE, "x1", "text")).toBeUndefined();
    expect(widget(a, "x1")?.["text"]).toBe("");
    const text = shareProperty(a, PAGE, "t1", "tableData") as Y.Text;
    text.delete(0, text.length);
    expect(widget(a, "t1")).not.toHaveProperty("tableData");
    // A property with no value becomes an empty text, still no value until typed into.
    const label = shareProperty(a, PAGE, "t1", "label") as Y.Text;
    expect(label.toString()).toBe("");
    expect(widget(a, "t1")).not.toHaveProperty("label");
    // A number is never a text.
    expect(shareProperty(a, PAGE, "t1", "pageSize")).toBeUndefined();
  });

  test("a whole new value from another control edits the text in place; JSON replaces it", () => {
    const { a, b } = pair();
    seedPage(a, PAGE, ROOT);
    const text = shareProperty(a, PAGE, "t1", "tableData") as Y.Text;
    const base = readTree(b, PAGE) as WidgetNode;
    const set = (value: unknown): WidgetNode => ({ ...base, children: (base.children ?? []).map((w) => (w.widgetId === "t1" ? { ...w, tableData: value } : w)) });
    b.transact(() => writeTree(b, PAGE, base, set("{{Query2.data}}")), LOCAL_EDIT);
    expect(propertyText(a, PAGE, "t1", "tableData")).toBe(text);
    expect(text.toString()).toBe("{{Query2.data}}");
    const now = readTree(b, PAGE) as WidgetNode;
    b.transact(() => writeTree(b, PAGE, now, { ...now, children: (now.children ?? []).map((w) => (w.widgetId === "t1" ? { ...w, tableData: [{ id: 1 }] } : w)) }), LOCAL_EDIT);
    expect(propertyText(a, PAGE, "t1", "tableData")).toBeUndefined();
    expect(widget(a, "t1")?.["tableData"]).toEqual([{ id: 1 }]);
  });
});
