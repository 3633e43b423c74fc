import { describe, expect, it } from "vitest";

import { Engine } from "../engine/engine";
import { WIDGET_DERIVED } from "../widgets/derived";
import { loadManifests } from "../testing/manifests";
import { RecordingHost } from "../testing/recordingHost";
import { renderComplete } from "../testing/render";
import Canvas from "./Canvas";
import { propertyChanges } from "./engineSync";
import { editorReducer, initialState } from "./editorState";
import { allWidgets, boxOf, childrenOf, dropWidget, findWidget, ROOT_ID, setProperty, type Widget } from "./tree";

const manifests = loadManifests();
const manifestMap = new Map(manifests.map((m) => [m.type, m]));
const noop = () => undefined;
const manifestOf = (type: string) => manifestMap.get(type) as NonNullable<ReturnType<typeof manifestMap.get>>;
const emptyPage = (): Widget => ({ widgetId: ROOT_ID, widgetName: "MainContainer", type: "CANVAS_WIDGET", leftColumn: 0, rightColumn: 64, topRow: 0, bottomRow: 100, children: [] });

/**
 * The editor's page with its live engine, kept in step as EditorRoute does: what `propertyChanges`
 * lets through goes in one property at a time, anything else reloads the page.
 */
class EditedPage {
  tree: Widget = emptyPage();
  private readonly engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost(), appsmith: { mode: "EDIT", theme: { primaryColor: "#0E7C66", borderRadius: "8px" } } });
  private readonly actions = [{ name: "saveOrder", id: "a1", config: { sql: "insert into orders default values" } }];

  constructor() {
    this.engine.load({ dsl: this.tree, actions: this.actions });
  }

  /** Drop a widget of `type` from the palette into the container `parentId`; returns its id. */
  drop(type: string, parentId: string, top = 0): string {
    const dropped = dropWidget(this.tree, parentId, manifestOf(type), manifestMap, { left: 0, top });
    this.commit(dropped.tree);
    return dropped.id;
  }

  set(id: string, name: string, value: unknown): void {
    this.commit(setProperty(this.tree, id, name, value));
  }

  private commit(next: Widget): void {
    const changes = propertyChanges(this.tree, next);
    if (changes === null) this.engine.load({ dsl: next, actions: this.actions });
    else for (const c of changes) this.engine.updateProperty(c.widget, c.name, c.raw);
    this.tree = next;
  }

  /** The canvas as the developer sees it. */
  html(): Promise<string> {
    return renderComplete(
      <Canvas
        tree={this.tree}
        manifests={manifestMap}
        values={this.engine.widgetValues()}
        errors={Object.fromEntries(this.engine.allErrors())}
        selected={[]}
        preview={false}
        onSelect={noop}
        onCommit={noop}
        onMeta={noop}
        onEvent={noop}
      />,
    );
  }
}

describe("error badges on the canvas", () => {
  it("shows none on a freshly dropped form with a submit and a reset button, set up as usual", async () => {
    const page = new EditedPage();
    const form = page.drop("FORM_WIDGET", ROOT_ID);
    const submit = page.drop("BUTTON_WIDGET", form, 20);
    const reset = page.drop("BUTTON_WIDGET", form, 20);
    expect(await page.html()).not.toContain("lc-ed-widget__problems");

    page.set(submit, "buttonType", "SUBMIT");
    page.set(submit, "disabledWhenInvalid", true);
    page.set(submit, "onClick", "{{saveOrder.run().then(() => showAlert('Saved', 'success'))}}");
    page.set(reset, "text", "Reset");
    page.set(reset, "buttonType", "RESET");
    page.set(reset, "buttonVariant", "SECONDARY");
    page.set(reset, "resetFormOnClick", true);
    page.set(reset, "onClick", "{{showAlert('Cleared')}}");

    const html = await page.html();
    expect(html).toContain(">Submit</button>");
    expect(html).toContain(">Reset</button>");
    expect(html).not.toContain("lc-ed-widget__problems");
  });

  it("still shows one for a real problem in a property", async () => {
    const page = new EditedPage();
    const form = page.drop("FORM_WIDGET", ROOT_ID);
    const button = page.drop("BUTTON_WIDGET", form);
    page.set(button, "isDisabled", "{{ missingWidget.value }}");
    expect(await page.html()).toMatch(/class="lc-ed-widget__problems" title="Button3\.isDisabled: [^"]*missingWidget/);
  });
});

describe("a form dropped from the palette", () => {
  it("comes with a title, a Submit and a Reset button inside its own grid, all freshly named", async () => {
    const page = new EditedPage();
    page.tree = { ...page.tree, children: [{ widgetId: "t", widgetName: "Text1", type: "TEXT_WIDGET", leftColumn: 0, rightColumn: 10, topRow: 0, bottomRow: 4 }] };
    const id = page.drop("FORM_WIDGET", ROOT_ID, 10);
    const dropped = findWidget(page.tree, id) as Widget;
    const parts = childrenOf(dropped);
    expect(parts.map((w) => [w.type, w.widgetName, w["text"]])).toEqual([
      ["TEXT_WIDGET", "Text2", "Form"],
      ["BUTTON_WIDGET", "Button1", "Submit"],
      ["BUTTON_WIDGET", "Button2", "Reset"],
    ]);
    const [, submit, reset] = parts as [Widget, Widget, Widget];
    expect(submit).toMatchObject({ buttonType: "SUBMIT", disabledWhenInvalid: true, buttonVariant: "PRIMARY" });
    expect(reset).toMatchObject({ buttonType: "RESET", resetFormOnClick: true, buttonVariant: "SECONDARY" });
    const ids = allWidgets(page.tree).map((w) => w.widgetId);
    expect(new Set(ids).size).toBe(ids.length);
    const formRows = boxOf(dropped).bottom - boxOf(dropped).top;
    for (const part of parts) {
      const b = boxOf(part);
      expect(b.left >= 0 && b.right <= 64 && b.top >= 0 && b.bottom <= formRows).toBe(true);
    }
    // Reset left of Submit, both at the bottom right, as Appsmith lays them out.
    expect(boxOf(reset).right).toBeLessThanOrEqual(boxOf(submit).left);
    expect(boxOf(submit).top).toBeGreaterThan(formRows / 2);

    const html = await page.html();
    const grid = html.slice(html.indexOf(`data-grid-id="${id}"`));
    for (const part of ["Text2", "Button1", "Button2"]) expect(grid).toContain(`data-widget="${part}"`);
    expect(html).toMatch(/>Form<\/(p|span|div)>/);
    expect(html).toContain(">Submit</button>");
    expect(html).toContain(">Reset</button>");
    expect(html).not.toContain("lc-ed-widget__problems");
  });

  it("goes away with all its parts in one undo, and comes back with them in one redo", () => {
    let doc = initialState(emptyPage());
    const dropped = dropWidget(doc.tree, ROOT_ID, manifestOf("FORM_WIDGET"), manifestMap, { left: 0, top: 0 });
    doc = editorReducer(doc, { type: "commit", tree: dropped.tree, select: [dropped.id] });
    expect(allWidgets(doc.tree).map((w) => w.widgetName)).toEqual(["Form1", "Text1", "Button1", "Button2"]);
    doc = editorReducer(doc, { type: "undo" });
    expect(allWidgets(doc.tree)).toEqual([]);
    expect(doc.history.past).toHaveLength(0);
    doc = editorReducer(doc, { type: "redo" });
    expect(allWidgets(doc.tree).map((w) => w.widgetName)).toEqual(["Form1", "Text1", "Button1", "Button2"]);
  });

  it("while a container without a blueprint is dropped empty", () => {
    const dropped = dropWidget(emptyPage(), ROOT_ID, manifestOf("CONTAINER_WIDGET"), manifestMap, { left: 0, top: 0 });
    expect(childrenOf(findWidget(dropped.tree, dropped.id) as Widget)).toEqual([]);
  });
});
