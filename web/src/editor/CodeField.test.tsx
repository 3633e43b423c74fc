// @vitest-environment happy-dom
/**
 * The code field: a new value from outside (a colleague's edit, the server's copy) is shown but is
 * not an edit, and a field bound to a shared text edits that text and follows its changes.
 */
import { EditorView } from "@codemirror/view";
import { act } from "react";
import { createRoot } from "react-dom/client";
import { Awareness } from "y-protocols/awareness";
import { afterEach, expect, test } from "vitest";
import * as Y from "yjs";

import CodeField from "./CodeField";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const container = document.createElement("div");
document.body.append(container);
const root = createRoot(container);
afterEach(() => act(() => root.render(null)));

const view = (): EditorView => EditorView.findFromDOM(container.querySelector(".cm-editor") as HTMLElement) as EditorView;

test("a value from outside shows without being reported as an edit; typing is", () => {
  const changes: string[] = [];
  const show = (value: string) => act(() => root.render(<CodeField label="Original properties" value={value} onChange={(t) => changes.push(t)} />));
  show('{"a": 1}');
  show('{\n  "b": "{{x}}"\n}');
  expect(view().state.doc.toString()).toBe('{\n  "b": "{{x}}"\n}');
  expect(changes).toEqual([]);
  act(() => view().dispatch({ changes: { from: 0, insert: " " } }));
  expect(changes).toEqual([' {\n  "b": "{{x}}"\n}']);
});

test("a field bound to a shared text edits it, and shows what others type into it", () => {
  const doc = new Y.Doc();
  const text = doc.getText("sql");
  text.insert(0, "select 1");
  const changes: string[] = [];
  act(() => root.render(<CodeField label="SQL" language="sql" value="ignored" onChange={(t) => changes.push(t)} shared={{ text, awareness: new Awareness(doc) }} />));
  expect(view().state.doc.toString()).toBe("select 1");
  act(() => view().dispatch({ changes: { from: 8, insert: " + 1" } }));
  expect(text.toString()).toBe("select 1 + 1");
  act(() => text.insert(0, "-- remote\n"));
  expect(view().state.doc.toString()).toBe("-- remote\nselect 1 + 1");
  expect(changes.at(-1)).toBe("-- remote\nselect 1 + 1");
});

test("keys typed in a focused field while it turns into a shared text go into the text", () => {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  const show = (shared?: { text: Y.Text; awareness: Awareness }) =>
    act(() => root.render(<CodeField label="Rows" value="" onChange={() => undefined} {...(shared ? { shared } : {})} />));
  show();
  act(() => view().focus());
  // The property became a text holding the first key, while two more were already typed here.
  const text = doc.getMap<Y.Text>("widget").set("tableData", new Y.Text("{"));
  act(() => view().dispatch({ changes: { from: 0, insert: "{{g" } }));
  show({ text, awareness });
  expect(text.toString()).toBe("{{g");
  expect(view().state.doc.toString()).toBe("{{g");
  expect(view().hasFocus).toBe(true);
});

test("an unfocused field turning into a shared text takes the text as it is", () => {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  act(() => root.render(<CodeField label="Rows" value="{{a}}" onChange={() => undefined} />));
  // A colleague made the property a text and typed on before this field was re-rendered.
  const text = doc.getMap<Y.Text>("widget").set("tableData", new Y.Text("{{a.data}}"));
  act(() => root.render(<CodeField label="Rows" value="{{a}}" onChange={() => undefined} shared={{ text, awareness }} />));
  expect(text.toString()).toBe("{{a.data}}");
  expect(view().state.doc.toString()).toBe("{{a.data}}");
});
