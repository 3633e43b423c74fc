import { renderToString } from "react-dom/server";
import { describe, expect, test } from "vitest";

import { Engine } from "../engine/engine";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";
import { chartOption } from "./CHART_WIDGET/option";
import { WIDGET_DERIVED } from "./derived";
import { EDITOR_HINTS } from "./editorHints";
import { DEFINITIONS, WIDGET_MODULES, WIDGETS } from "./registry";

const manifests = loadManifests();

/** The values a freshly dropped widget has: its manifest defaults, evaluated by the engine. */
function defaultValues(type: string): Record<string, unknown> {
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
  engine.load(page([widget("W1", type)]));
  if (type === "MODAL_WIDGET") engine.setMeta("W1", { isOpen: true });
  return engine.widgetValues()["W1"] as Record<string, unknown>;
}

const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");

const byType = new Map(manifests.map((m) => [m.type, m]));
const registered = Object.keys(DEFINITIONS).sort();

describe("the registry is the widget folders", () => {
  test("every manifest has a folder and every folder a manifest", () => {
    expect(registered).toEqual(manifests.map((m) => m.type).sort());
    expect(Object.keys(WIDGETS).sort()).toEqual(registered);
    expect(Object.keys(WIDGET_MODULES).sort()).toEqual(registered);
  });
});

describe("every widget renders from its manifest defaults", () => {
  test.each(registered)("%s", async (type) => {
    const manifest = byType.get(type);
    expect(manifest, `${type} has a manifest`).toBeDefined();
    const { default: Component } = await (WIDGET_MODULES[type] as NonNullable<(typeof WIDGET_MODULES)[string]>)();
    const values = defaultValues(type);
    const html = renderToString(
      <Component name="W1" values={values} onMeta={() => undefined} onEvent={() => undefined}>
        {manifest?.children ? <span>child widget</span> : null}
      </Component>,
    );
    expect(html.length).toBeGreaterThan(0);
    for (const key of ["text", "label", "labelText"]) {
      const value = values[key];
      if (typeof value === "string" && value !== "") expect(html).toContain(escape(value));
    }
    if (manifest?.children === "widgets") expect(html).toContain("child widget");
  });
});

describe("every widget's derived values are the ones its manifest declares", () => {
  test.each(registered)("%s", (type) => {
    const declared = (byType.get(type)?.derived ?? []).map((d) => d.name).sort();
    expect(Object.keys(WIDGET_DERIVED[type] ?? {}).sort()).toEqual(declared);
  });
});

describe("every widget's editor hints name properties of its manifest", () => {
  test.each(Object.keys(EDITOR_HINTS).sort())("%s", (type) => {
    expect(registered, `${type} has a folder with a widget`).toContain(type);
    const properties = new Set(byType.get(type)?.properties.map((p) => p.name));
    const hints = EDITOR_HINTS[type] ?? {};
    for (const name of [...Object.keys(hints.controls ?? {}), ...(hints.folded ?? [])]) expect(properties, `${type}.${name}`).toContain(name);
  });
});

describe("widgets show their data", () => {
  test("a table shows the rows of its data and marks the selected one", async () => {
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
    engine.load(page([widget("T", "TABLE_WIDGET_V2", { tableData: [{ id: 1, name: "Ada" }, { id: 2, name: "Alan" }], defaultSelectedRowIndex: 1, defaultPageSize: 10 })]));
    const { default: Table } = await import("./TABLE_WIDGET_V2");
    const html = renderToString(<Table name="T" values={engine.widgetValues()["T"] as Record<string, unknown>} onMeta={() => undefined} onEvent={() => undefined} />);
    expect(html).toContain("Ada");
    expect(html).toMatch(/<tr aria-selected="true"[^>]*>.*Alan.*?<\/tr>/);
    expect(html).not.toMatch(/<tr aria-selected="true"[^>]*>.*Ada/);
  });

  test("a chart's series become ECharts series of the chosen kind", () => {
    const option = chartOption({ chartType: "BAR_CHART", chartData: { a: { seriesName: "Sales", data: [{ x: "Mon", y: 3 }] } } });
    expect(option["series"]).toEqual([expect.objectContaining({ type: "bar", name: "Sales", data: [3] })]);
    expect((option["yAxis"] as { data: string[] }).data).toEqual(["Mon"]);
    const pie = chartOption({ chartType: "PIE_CHART", chartData: { a: { data: [{ x: "A", y: 1 }] } } });
    expect((pie["series"] as { data: unknown[] }[])[0]?.data).toEqual([{ name: "A", value: 1 }]);
  });
});
