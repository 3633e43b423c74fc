import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";

import Tabs from "../widgets/TABS_WIDGET";
import { copyWidgets, loadClip, pasteWidgets, saveClip } from "./clipboard";
import { boxOf, childrenOf, findByName, findWidget, idOf, placeWidgets, setProperty, type Widget } from "./tree";

const w = (id: string, top: number, bottom: number, extra: Record<string, unknown> = {}): Widget => ({
  widgetId: id,
  widgetName: id,
  type: "TEXT_WIDGET",
  leftColumn: 0,
  rightColumn: 20,
  topRow: top,
  bottomRow: bottom,
  ...extra,
});
const page = (...children: Widget[]): Widget => ({ widgetId: "0", widgetName: "MainContainer", type: "CANVAS_WIDGET", leftColumn: 0, rightColumn: 64, topRow: 0, bottomRow: 100, children });

describe("copy and paste", () => {
  it("pastes copies with new ids and free names below the existing content", () => {
    const tree = page(w("Text1", 0, 4, { text: "hi" }), w("Text2", 4, 8));
    const clip = copyWidgets(tree, ["Text1"]);
    const { tree: next, ids } = pasteWidgets(tree, clip, "0");
    const copy = findWidget(next, ids[0] as string) as Widget;
    expect(copy.widgetName).toBe("Text3");
    expect(copy.widgetId).not.toBe("Text1");
    expect(copy["text"]).toBe("hi");
    expect(boxOf(copy)).toEqual({ left: 0, right: 20, top: 8, bottom: 12 });
  });

  it("renames the children of a pasted container too", () => {
    const tree = page(w("Container1", 0, 10, { type: "CONTAINER_WIDGET", children: [w("Input1", 0, 4)] }));
    const { tree: next } = pasteWidgets(tree, copyWidgets(tree, ["Container1"]), "0");
    expect(findByName(next, "Container2")?.children?.[0]?.widgetName).toBe("Input2");
  });

  it("is unaffected by later edits of the original", () => {
    const tree = page(w("Text1", 0, 4, { text: "before" }));
    const clip = copyWidgets(tree, ["Text1"]);
    (tree.children?.[0] as Record<string, unknown>)["text"] = "after";
    expect(clip.widgets[0]?.["text"]).toBe("before");
  });

  it("pastes on another page, into a container there", () => {
    const source = page(w("Text1", 0, 4));
    const other = page(w("Form1", 0, 10, { type: "FORM_WIDGET", children: [] }));
    const { tree: next } = pasteWidgets(other, copyWidgets(source, ["Text1"]), "Form1");
    expect(findByName(next, "Form1")?.children?.map((c) => c.widgetName)).toEqual(["Text1"]);
  });

  it("keeps names on another page (names are per page) unless that page uses them, queries and JS objects included", () => {
    const source = page(w("Table3", 0, 4), w("Text7", 4, 8, { text: "{{Table3.selectedRow.id}} {{getOrders.data}}" }));
    const clip = copyWidgets(source, ["Table3", "Text7"]);
    const elsewhere = pasteWidgets(page(), clip, "0").tree;
    expect(childrenOf(elsewhere).map((c) => c.widgetName)).toEqual(["Table3", "Text7"]);
    expect(findByName(elsewhere, "Text7")?.["text"]).toBe("{{Table3.selectedRow.id}} {{getOrders.data}}");
    const clashing = pasteWidgets(page(w("Text7", 0, 4)), clip, "0", new Set(["Table3", "getOrders"])).tree;
    expect(childrenOf(clashing).map((c) => c.widgetName)).toEqual(["Text7", "Table1", "Text1"]);
    expect(findByName(clashing, "Text1")?.["text"]).toBe("{{Table1.selectedRow.id}} {{getOrders.data}}");
  });
});

describe("copy and paste of a tabs widget", () => {
  // Tab "One" is shown second (index 1) although its canvas comes first: only the canvas ids in
  // `tabsObj` tell which canvas belongs to which tab.
  const original = (): Widget =>
    page(
      w("Tabs1", 0, 30, {
        type: "TABS_WIDGET",
        tabsObj: {
          one: { id: "one", label: "One", widgetId: "canvasOne", isVisible: true, index: 1 },
          two: { id: "two", label: "Two", widgetId: "canvasTwo", isVisible: true, index: 0 },
        },
        children: [
          { ...w("canvasOne", 0, 64, { type: "CANVAS_WIDGET", tabName: "One" }), widgetName: "Canvas1", children: [w("InOne", 0, 4)] },
          { ...w("canvasTwo", 0, 64, { type: "CANVAS_WIDGET", tabName: "Two" }), widgetName: "Canvas2", children: [w("InTwo", 0, 4)] },
        ],
      }),
    );
  const tabOf = (tabs: Widget, id: string) => (tabs["tabsObj"] as Record<string, { widgetId: string }>)[id] as { widgetId: string };
  /** The names of the widgets the tabs widget shows with `label` selected, rendered as the editor does. */
  const shown = (tabs: Widget, label: string): string =>
    renderToString(
      createElement(
        Tabs,
        { name: tabs.widgetName, values: { ...tabs, selectedTab: label }, onMeta: () => undefined, onEvent: () => undefined },
        childrenOf(tabs).map((canvas) => createElement("p", { key: idOf(canvas) }, `[${childrenOf(canvas).map((c) => c.widgetName).join(",")}]`)),
      ),
    ).match(/\[[^\]]*\]/)?.[0] ?? "";

  it("points the copy's tabs at the copy's own canvases, each tab at the copy of its canvas", () => {
    const tree = original();
    const { tree: next, ids } = pasteWidgets(tree, copyWidgets(tree, ["Tabs1"]), "0");
    const copy = findWidget(next, ids[0] as string) as Widget;
    const [copyOfOne, copyOfTwo] = childrenOf(copy);
    expect(tabOf(copy, "one").widgetId).toBe(idOf(copyOfOne as Widget));
    expect(tabOf(copy, "two").widgetId).toBe(idOf(copyOfTwo as Widget));
    expect([idOf(copyOfOne as Widget), idOf(copyOfTwo as Widget)]).not.toContain("canvasOne");
    expect(tabOf(findByName(next, "Tabs1") as Widget, "one").widgetId).toBe("canvasOne");
  });

  it("switches between the copy's own widgets in the pasted copy", () => {
    const tree = original();
    const { tree: next, ids } = pasteWidgets(tree, copyWidgets(tree, ["Tabs1"]), "0");
    const copy = findWidget(next, ids[0] as string) as Widget;
    const copyOf = (name: string) => childrenOf(childrenOf(copy).find((c) => c["tabName"] === name) as Widget)[0]?.widgetName;
    expect(shown(copy, "One")).toBe(`[${copyOf("One")}]`);
    expect(shown(copy, "Two")).toBe(`[${copyOf("Two")}]`);
    expect(copyOf("One")).not.toBe("InOne");
    expect(shown(findByName(next, "Tabs1") as Widget, "One")).toBe("[InOne]");
  });

  it("leaves the original alone when the copy's tab is edited or gets a widget", () => {
    const tree = original();
    const { tree: pasted, ids } = pasteWidgets(tree, copyWidgets(tree, ["Tabs1"]), "0");
    const copy = findWidget(pasted, ids[0] as string) as Widget;
    // The editor drops a widget onto the canvas of the copy's tab "One".
    let next = placeWidgets(pasted, tabOf(copy, "one").widgetId, [{ widget: w("Dropped", 0, 4), box: { left: 0, right: 20, top: 10, bottom: 14 } }]);
    next = setProperty(next, idOf(copy), "tabsObj", { ...(copy["tabsObj"] as object), one: { ...tabOf(copy, "one"), label: "Renamed" } });
    expect(findByName(next, "Tabs1")).toEqual(findByName(tree, "Tabs1"));
    const copyNow = findWidget(next, idOf(copy)) as Widget;
    expect(childrenOf(childrenOf(copyNow)[0] as Widget).map((c) => c.widgetName)).toContain("Dropped");
    expect(tabOf(copyNow, "one")).toMatchObject({ label: "Renamed" });
  });

  it("gives every paste of one clip from localStorage canvases of its own", () => {
    const tree = original();
    const storage = new Map<string, string>();
    saveClip({ setItem: (k: string, v: string) => storage.set(k, v), getItem: (k: string) => storage.get(k) ?? null } as unknown as Storage, copyWidgets(tree, ["Tabs1"]));
    const clip = loadClip({ getItem: (k: string) => storage.get(k) ?? null } as unknown as Storage);
    const first = pasteWidgets(tree, clip as NonNullable<typeof clip>, "0");
    const second = pasteWidgets(first.tree, clip as NonNullable<typeof clip>, "0");
    const copies = [...first.ids, ...second.ids].map((id) => findWidget(second.tree, id) as Widget);
    const pointed = copies.flatMap((c) => ["one", "two"].map((t) => tabOf(c, t).widgetId));
    expect(new Set(pointed).size).toBe(4);
    for (const c of copies) for (const t of ["one", "two"]) expect(childrenOf(c).map(idOf)).toContain(tabOf(c, t).widgetId);
  });
});

describe("pasting a group whose widgets refer to each other", () => {
  const input = (name: string, top: number, extra: Record<string, unknown> = {}) => w(name, top, top + 4, { type: "INPUT_WIDGET_V2", ...extra });
  const text = (name: string, top: number, value: string, extra: Record<string, unknown> = {}) => w(name, top, top + 4, { text: value, ...extra });
  const pasted = (tree: Widget, ids: string[], into = "0") => {
    const { tree: next, ids: copies } = pasteWidgets(tree, copyWidgets(tree, ids), into);
    return { next, copies: copies.map((id) => findWidget(next, id) as Widget) };
  };

  it("points the copies' bindings at each other, in event handlers too", () => {
    const tree = page(input("Input1", 0, { onSubmit: "{{Text1.setText(Input1.text); showAlert(Text1.text)}}" }), text("Text1", 4, "Hello {{Input1.text}}"));
    const { next, copies } = pasted(tree, ["Input1", "Text1"]);
    const [inputCopy, textCopy] = copies as [Widget, Widget];
    expect([inputCopy.widgetName, textCopy.widgetName]).toEqual(["Input2", "Text2"]);
    expect(textCopy["text"]).toBe("Hello {{Input2.text}}");
    expect(inputCopy["onSubmit"]).toBe("{{Text2.setText(Input2.text); showAlert(Text2.text)}}");
    // The originals still read each other.
    expect(findByName(next, "Text1")?.["text"]).toBe("Hello {{Input1.text}}");
    expect(findByName(next, "Input1")?.["onSubmit"]).toBe("{{Text1.setText(Input1.text); showAlert(Text1.text)}}");
  });

  it("keeps references to widgets outside the group on the originals", () => {
    const tree = page(input("Input1", 0), input("Search1", 4), text("Text1", 8, "{{Input1.text}} / {{Search1.text}}"));
    expect(pasted(tree, ["Text1"]).copies[0]?.["text"]).toBe("{{Input1.text}} / {{Search1.text}}");
    expect(pasted(tree, ["Input1", "Text1"]).copies[1]?.["text"]).toBe("{{Input2.text}} / {{Search1.text}}");
  });

  it("follows the group into nested properties such as table columns", () => {
    const table = w("Table1", 0, 30, {
      type: "TABLE_WIDGET_V2",
      tableData: "{{Input1.text ? [] : []}}",
      primaryColumns: {
        total: { id: "total", computedValue: "{{currentRow.price * Number(Input1.text)}}" },
        edit: { id: "edit", onClick: "{{Text1.setText(currentRow.name)}}", label: "Edit" },
      },
    });
    const tree = page(input("Input1", 30), text("Text1", 34, "x"), table);
    const copy = pasted(tree, ["Table1", "Input1", "Text1"]).copies[0] as Widget;
    expect(copy.widgetName).toBe("Table2");
    expect(copy["tableData"]).toBe("{{Input2.text ? [] : []}}");
    expect(copy["primaryColumns"]).toEqual({
      total: { id: "total", computedValue: "{{currentRow.price * Number(Input2.text)}}" },
      edit: { id: "edit", onClick: "{{Text2.setText(currentRow.name)}}", label: "Edit" },
    });
  });

  it("rewrites references between a pasted container's children", () => {
    const tree = page(w("Container1", 0, 20, { type: "CONTAINER_WIDGET", children: [input("Input1", 0), text("Text1", 4, "{{Input1.text}}"), text("Note1", 8, "{{Outside1.text}}")] }), input("Outside1", 20));
    const copy = pasted(tree, ["Container1"]).copies[0] as Widget;
    expect(childrenOf(copy).map((c) => [c.widgetName, c["text"]])).toEqual([
      ["Input2", undefined],
      ["Text2", "{{Input2.text}}"],
      ["Note2", "{{Outside1.text}}"],
    ]);
  });

  it("leaves a name alone where it is only text: in a string literal, outside {{ }} or a local of the same name", () => {
    const tree = page(input("Input1", 0), text("Text1", 4, "Input1 says {{Input1.text + ' (from Input1)'}} {{[1].map((Input1) => Input1)}}"));
    expect(pasted(tree, ["Input1", "Text1"]).copies[1]?.["text"]).toBe("Input1 says {{Input2.text + ' (from Input1)'}} {{[1].map((Input1) => Input1)}}");
  });

  it("does the same for a duplicate, which pastes into the originals' own container", () => {
    const tree = page(w("Form1", 0, 20, { type: "FORM_WIDGET", children: [input("Input1", 0), text("Text1", 4, "{{Input1.isValid}}")] }));
    const { next, copies } = pasted(tree, ["Input1", "Text1"], "Form1");
    expect(copies.map((c) => c.widgetName)).toEqual(["Input2", "Text2"]);
    expect(copies[1]?.["text"]).toBe("{{Input2.isValid}}");
    expect(childrenOf(findByName(next, "Form1") as Widget).map((c) => c.widgetName)).toEqual(["Input1", "Text1", "Input2", "Text2"]);
  });
});
