import { renderToString } from "react-dom/server";
import { describe, expect, test } from "vitest";

import { Engine } from "../engine/engine";
import { WIDGET_DERIVED } from "../widgets/derived";
import type { EvaluationUpdate } from "../engine/host";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";
import { renderComplete } from "../testing/render";
import { gridRows, PageView, readingOrder } from "./PageView";
import { PageStore } from "./pageStore";

const manifests = loadManifests();

function storeOf(update: EvaluationUpdate): PageStore {
  const store = new PageStore();
  store.apply(update);
  return store;
}

describe("the viewer", () => {
  test("widgets are placed on the 64-column grid in reading order; hidden ones are left out", () => {
    const doc = page([
      widget("Below", "TEXT_WIDGET", { text: "second", leftColumn: 0, rightColumn: 64, topRow: 10, bottomRow: 14 }),
      widget("Above", "TEXT_WIDGET", { text: "first", leftColumn: 16, rightColumn: 48, topRow: 0, bottomRow: 4 }),
      widget("Hidden", "TEXT_WIDGET", { text: "secret", isVisible: "{{1 > 2}}" }),
    ]);
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
    const first = engine.load(doc);
    const html = renderToString(
      <PageView dsl={doc.dsl} store={storeOf(first)} onMeta={() => undefined} onEvent={() => undefined} />,
    );
    expect(html.indexOf("first")).toBeLessThan(html.indexOf("second"));
    expect(html).toContain("left:25%;width:50%;top:0px;height:40px");
    expect(html).not.toContain("secret");
    expect(readingOrder(doc.dsl.children ?? []).map((w) => w.widgetName)).toEqual(["Hidden", "Above", "Below"]);
    expect(gridRows(doc.dsl.children ?? [])).toBe(14);
  });

  test("a property error is flagged on its widget, and the page still renders", () => {
    const doc = page([widget("Broken", "TEXT_WIDGET", { text: "{{Nope.x}}" }), widget("Fine", "TEXT_WIDGET", { text: "ok" })]);
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
    const first = engine.load(doc);
    const html = renderToString(<PageView dsl={doc.dsl} store={storeOf(first)} onMeta={() => undefined} onEvent={() => undefined} />);
    expect(html).toContain("Broken.text: Nope is not defined");
    expect(html).toContain("ok");
  });

  test("engine updates change only the widgets they name, and tell only their subscribers", () => {
    const store = storeOf({ values: {}, errors: {}, snapshot: { A: { text: "a" }, B: { text: "b" } } });
    const before = { A: store.get("A"), B: store.get("B") };
    const told: string[] = [];
    for (const name of ["A", "B"]) store.subscribe(name, () => told.push(name));
    store.apply({ values: { "A.text": "A!", "getOrders.isLoading": true }, errors: { "B.text": [] } });
    expect(store.get("A")?.values).toEqual({ text: "A!" });
    expect(store.get("B")).toBe(before.B);
    expect(told).toEqual(["A"]);
  });

  test("a list shows one copy of its template per item, each with its own item's values", async () => {
    const doc = page([
      widget("People", "LIST_WIDGET_V2", { listData: "{{ [{ name: 'Ada' }, { name: 'Alan' }, { name: 'Grace' }] }}", topRow: 0, bottomRow: 60 }, [
        widget("Name", "TEXT_WIDGET", { text: "{{ (currentIndex + 1) + '. ' + currentItem.name }}", topRow: 0, bottomRow: 4 }),
        widget("Fixed", "TEXT_WIDGET", { text: "{{ 'same for all' }}", topRow: 4, bottomRow: 8 }),
      ]),
    ]);
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
    const first = engine.load(doc);
    expect(engine.get("Name.text")).toBe("1. Ada");
    const html = await renderComplete(<PageView dsl={doc.dsl} store={storeOf(first)} onMeta={() => undefined} onEvent={() => undefined} />);
    expect(html).toContain("1. Ada");
    expect(html).toContain("2. Alan");
    expect(html).toContain("3. Grace");
    expect(html.match(/same for all/g)).toHaveLength(3);
  });

  test("per-item values follow the list's data", () => {
    const doc = page([
      widget("People", "LIST_WIDGET_V2", { listData: "{{ Source.text.split(',') }}" }, [widget("Name", "TEXT_WIDGET", { text: "{{ currentItem.toUpperCase() }}" })]),
      widget("Source", "INPUT_WIDGET_V2", { defaultText: "a,b" }),
    ]);
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
    engine.load(doc);
    const update = engine.setMeta("Source", { text: "x,y,z", inputText: "x,y,z" });
    expect(update.values["Name.__items__.text"]).toEqual(["X", "Y", "Z"]);
  });
});

describe("the viewer before the engine's first values", () => {
  test("renders no widget from empty values (a table would size its pages for zero height)", () => {
    const doc = page([widget("Orders", "TABLE_WIDGET_V2", { topRow: 15, bottomRow: 60 })]);
    const html = renderToString(<PageView dsl={doc.dsl} store={new PageStore()} onMeta={() => undefined} onEvent={() => undefined} />);
    expect(html).not.toContain('data-widget="Orders"');
  });
});
