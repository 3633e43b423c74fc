/** A list's template copies as users meet them: each item's widgets keep their own state. */
import { describe, expect, test } from "vitest";

import { Engine } from "../../engine/engine";
import { WIDGET_DERIVED } from "../derived";
import { loadManifests } from "../../testing/manifests";
import { page, widget } from "../../testing/pages";
import { RecordingHost } from "../../testing/recordingHost";
import { renderComplete } from "../../testing/render";
import { PageStore } from "../../viewer/pageStore";
import { PageView } from "../../viewer/PageView";

const manifests = loadManifests();

/** A template widget's value in each copy (the engine keeps them beside the shared value). */
const perItem = (engine: Engine, name: string, key: string): unknown => engine.widgetValues()[name]?.[`__items__.${key}`];

function listPage() {
  const doc = page([
    widget("People", "LIST_WIDGET_V2", { listData: [{ name: "Ada" }, { name: "Alan" }, { name: "Grace" }], topRow: 0, bottomRow: 80 }, [
      widget("Note", "INPUT_WIDGET_V2", { defaultText: "{{ currentItem.name }}", topRow: 0, bottomRow: 7 }),
      widget("Agree", "CHECKBOX_WIDGET", { defaultCheckedState: false, topRow: 7, bottomRow: 11 }),
      widget("Echo", "TEXT_WIDGET", { text: "{{ currentItem.name + ': ' + currentView.Note.text + (currentView.Agree.isChecked ? ' (ok)' : '') }}", topRow: 11, bottomRow: 15 }),
      widget("Save", "BUTTON_WIDGET", { text: "Save", onClick: "{{ storeValue('saved', currentView.Note.text) }}", topRow: 15, bottomRow: 19 }),
    ]),
  ]);
  const host = new RecordingHost();
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host });
  engine.load(doc);
  return { doc, engine, host };
}

describe("a list's template widgets", () => {
  test("start from their own item's defaults", () => {
    const { engine } = listPage();
    expect(perItem(engine, "Note", "text")).toEqual(["Ada", "Alan", "Grace"]);
    expect(perItem(engine, "Echo", "text")).toEqual(["Ada: Ada", "Alan: Alan", "Grace: Grace"]);
  });

  test("an input typed into in item 2 holds its own value; the other copies keep theirs", async () => {
    const { doc, engine } = listPage();
    engine.setMeta("Note", { text: "changed", inputText: "changed" }, 1);
    engine.setMeta("Agree", { isChecked: true }, 2);
    expect(perItem(engine, "Note", "text")).toEqual(["Ada", "changed", "Grace"]);
    expect(perItem(engine, "Note", "isDirty")).toEqual([false, true, false]);
    expect(perItem(engine, "Agree", "value")).toEqual([false, false, true]);
    expect(perItem(engine, "Echo", "text")).toEqual(["Ada: Ada", "Alan: changed", "Grace: Grace (ok)"]);
    const store = new PageStore();
    store.apply({ values: {}, errors: {}, snapshot: engine.widgetValues() });
    const html = await renderComplete(<PageView dsl={doc.dsl} store={store} onMeta={() => undefined} onEvent={() => undefined} />);
    expect(html).toContain('value="changed"');
    expect(html).toContain('value="Ada"');
    expect(html).toContain("Grace: Grace (ok)");
  });

  test("an event handler in an item sees that item's currentView", async () => {
    const { engine } = listPage();
    engine.setMeta("Note", { text: "second note", inputText: "second note" }, 1);
    await engine.runEvent("Save", "onClick", { currentItem: { name: "Alan" }, currentIndex: 1 });
    expect(engine.get("appsmith.store.saved")).toBe("second note");
  });

  test("resetting the list returns every copy to its default", () => {
    const { engine } = listPage();
    engine.setMeta("Note", { text: "x", inputText: "x" }, 0);
    engine.resetWidget("People", true);
    expect(perItem(engine, "Note", "text")).toEqual(["Ada", "Alan", "Grace"]);
  });
});
