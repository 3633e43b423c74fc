import { describe, expect, it } from "vitest";

import { Engine } from "../engine/engine";
import { loadManifests } from "../testing/manifests";
import { RecordingHost } from "../testing/recordingHost";
import { renderComplete } from "../testing/render";
import Canvas from "./Canvas";
import { propertyChanges } from "./engineSync";
import { idOf, namesIn, newWidget, placeWidgets, ROOT_ID, setProperty, type Widget } from "./tree";

const manifests = loadManifests();
const manifestMap = new Map(manifests.map((m) => [m.type, m]));
const noop = () => undefined;

/**
 * The editor's page with its live engine, kept in step as EditorRoute does: what `propertyChanges`
 * lets through goes in one property at a time, anything else reloads the page.
 */
class EditedPage {
  tree: Widget = { widgetId: ROOT_ID, widgetName: "MainContainer", type: "CANVAS_WIDGET", leftColumn: 0, rightColumn: 64, topRow: 0, bottomRow: 100, children: [] };
  private readonly engine = new Engine({ manifests, host: new RecordingHost(), appsmith: { mode: "EDIT", theme: { primaryColor: "#0E7C66", borderRadius: "8px" } } });
  private readonly actions = [{ name: "saveOrder", id: "a1", config: { sql: "insert into orders default values" } }];

  constructor() {
    this.engine.load({ dsl: this.tree, actions: this.actions });
  }

  /** Drop a widget of `type` from the palette into the container `parentId`; returns its id. */
  drop(type: string, parentId: string, top = 0): string {
    const made = newWidget(manifestMap.get(type) as NonNullable<ReturnType<typeof manifestMap.get>>, namesIn(this.tree), { left: 0, top });
    this.commit(placeWidgets(this.tree, parentId, [made]));
    return idOf(made.widget);
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
    expect(await page.html()).toMatch(/class="lc-ed-widget__problems" title="Button1\.isDisabled: [^"]*missingWidget/);
  });
});
