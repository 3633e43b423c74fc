// @vitest-environment happy-dom
/**
 * The property pane while co-editing: focusing a binding's code field makes the property a shared
 * text the field is bound to (what a colleague types there shows, one's own typing goes into it and
 * on one's undo history); JSON typed into a list property replaces the text with the value.
 */
import { EditorView } from "@codemirror/view";
import { act, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { Awareness } from "y-protocols/awareness";
import { afterEach, beforeEach, expect, test } from "vitest";
import * as Y from "yjs";

import type { WidgetManifest } from "../engine/manifest";
import type { WidgetNode } from "../engine/page";
import { propertyText } from "../realtime/sharedBindings";
import { readTree } from "../realtime/sharedTree";
import { seedPage } from "../testing/sharedDocs";
import { offerBindings } from "./bindingTexts";
import PropertyPane from "./PropertyPane";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const PAGE = "p1";
const manifest: WidgetManifest = {
  type: "TABLE_WIDGET_V2",
  properties: [
    { name: "title", type: "string", label: "Title", section: "content", bindable: true },
    { name: "tableData", type: "array", label: "Table data", section: "data", bindable: true },
  ],
};
const ROOT: WidgetNode = { widgetId: "0", widgetName: "MainContainer", type: "CANVAS_WIDGET", children: [{ widgetId: "t1", widgetName: "Table1", type: "TABLE_WIDGET_V2", title: "Orders", tableData: "{{Query1.data}}" }] };

const container = document.createElement("div");
document.body.append(container);
const root = createRoot(container);
let doc: Y.Doc;
let undo: Y.UndoManager;
let withdraw: () => void;
const changes: [string, unknown][] = [];

beforeEach(() => {
  doc = new Y.Doc();
  seedPage(doc, PAGE, ROOT);
  undo = new Y.UndoManager(doc.getMap("pages"), { trackedOrigins: new Set(["editor"]) });
  withdraw = offerBindings({ doc, pageId: PAGE, awareness: new Awareness(doc), undoManager: undo });
  changes.length = 0;
});
afterEach(() => {
  act(() => root.render(null));
  withdraw();
});

const table = () => readTree(doc, PAGE)?.children?.[0] as WidgetNode;

async function show(): Promise<void> {
  await act(async () => {
    root.render(
      <Suspense fallback={null}>
        <PropertyPane
          widget={table()}
          manifest={manifest}
          values={{}}
          errors={{}}
          complete={() => null}
          choices={{ queries: [], modals: [], pages: [], jsFunctions: [] }}
          diagnostics={[]}
          onChange={(name, value) => changes.push([name, value])}
          onChangeMany={() => undefined}
          onRename={() => undefined}
        />
      </Suspense>,
    );
  });
  for (let i = 0; i < 100 && !container.querySelector('[data-property="tableData"] .cm-editor'); i += 1) {
    await act(() => new Promise((r) => setTimeout(r, 20))); // the lazy code field
  }
}

/** Focus a field as a click would (CodeMirror notices focus a moment later). */
async function focus(name: string): Promise<void> {
  act(() => field(name).focus());
  await act(() => new Promise((r) => setTimeout(r, 60)));
}

const field = (name: string): EditorView => EditorView.findFromDOM(container.querySelector(`[data-property="${name}"] .cm-editor`) as HTMLElement) as EditorView;

test("a focused binding field is bound to the property's shared text", async () => {
  await show();
  expect(propertyText(doc, PAGE, "t1", "tableData")).toBeUndefined();
  await focus("tableData");
  const text = propertyText(doc, PAGE, "t1", "tableData") as Y.Text;
  expect(text).toBeInstanceOf(Y.Text);
  expect(field("tableData").hasFocus).toBe(true);
  // (happy-dom reports selection changes of a focused editor while it writes them: type unfocused.)
  act(() => field("tableData").contentDOM.blur());
  // A colleague types at the start; this person at the end: both show, in the field and the tree.
  act(() => doc.transact(() => text.insert(0, "rows: "), "relay"));
  act(() => field("tableData").dispatch({ changes: { from: field("tableData").state.doc.length, insert: " !" }, userEvent: "input.type" }));
  expect(field("tableData").state.doc.toString()).toBe("rows: {{Query1.data}} !");
  expect(table()["tableData"]).toBe("rows: {{Query1.data}} !");
  // The text holds the value: the page tree is not written again; one's own typing is on one's history.
  expect(changes).toEqual([]);
  undo.undo();
  expect(table()["tableData"]).toBe("rows: {{Query1.data}}");
  // The other fields stay as they were until focused.
  expect(propertyText(doc, PAGE, "t1", "title")).toBeUndefined();
});

test("JSON typed into a list property's text becomes the list", async () => {
  await show();
  await focus("tableData");
  act(() => field("tableData").contentDOM.blur());
  const view = field("tableData");
  act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: '[{"id": 1}]' }, userEvent: "input.type" }));
  expect(changes).toEqual([["tableData", [{ id: 1 }]]]);
});
