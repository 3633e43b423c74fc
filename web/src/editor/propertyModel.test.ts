import { describe, expect, it } from "vitest";

import type { WidgetManifest } from "../engine/manifest";
import { editorHints } from "../widgets/editorHints";
import { codeText, eventControls, needsCode, paneSections, searchControls, valueFromCode } from "./propertyModel";

const input: WidgetManifest = {
  type: "INPUT_WIDGET_V2",
  displayName: "Input",
  properties: [
    { name: "isVisible", label: "Visible", section: "general", type: "boolean", default: true, bindable: true },
    { name: "label", label: "Label", section: "label", type: "string", default: "Label", bindable: true },
    { name: "inputType", label: "Data type", section: "content", type: "enum", options: ["TEXT", "NUMBER"], default: "TEXT", bindable: true },
    { name: "maxChars", label: "Max characters", section: "validation", type: "number", bindable: true },
    { name: "accentColor", label: "Accent colour", section: "style", type: "color", bindable: true },
    { name: "options", label: "Options", section: "data", type: "array", bindable: true },
  ],
  events: [{ name: "onTextChanged", label: "On change" }],
};

describe("the property pane from a manifest", () => {
  it("orders sections content, data, label, validation, general, style", () => {
    expect(paneSections(input).map((s) => s.title)).toEqual(["Content", "Data", "Label", "Validation", "General", "Style"]);
  });

  it("chooses a control from each property's type", () => {
    const kinds = Object.fromEntries(paneSections(input).flatMap((s) => s.controls.map((c) => [c.name, c.kind])));
    expect(kinds).toEqual({ inputType: "dropdown", options: "json", label: "text", maxChars: "number", isVisible: "switch", accentColor: "color" });
  });

  it("gives tables, selects and charts typed editors, the table's column order inside its columns editor", () => {
    const kinds = (type: string, names: string[]) =>
      Object.fromEntries(
        paneSections(
          { type, displayName: type, properties: names.map((name) => ({ name, type: name === "columnOrder" || name === "sourceData" ? "array" : "object", bindable: true })) },
          editorHints(type),
        ).flatMap((s) =>
          s.controls.map((c) => [c.name, c.kind]),
        ),
      );
    expect(kinds("TABLE_WIDGET_V2", ["primaryColumns", "columnOrder"])).toEqual({ primaryColumns: "columns" });
    expect(kinds("SELECT_WIDGET", ["sourceData"])).toEqual({ sourceData: "options" });
    expect(kinds("CHART_WIDGET", ["chartData"])).toEqual({ chartData: "series" });
  });

  it("lists the events with their labels", () => {
    expect(eventControls(input)).toEqual([{ name: "onTextChanged", label: "On change", help: "" }]);
  });

  it("switches a control to code when its value is a binding or does not fit it", () => {
    const controls = Object.fromEntries(paneSections(input).flatMap((s) => s.controls.map((c) => [c.name, c])));
    expect(needsCode(controls["isVisible"]!, "{{Switch1.isSwitchedOn}}")).toBe(true);
    expect(needsCode(controls["isVisible"]!, false)).toBe(false);
    expect(needsCode(controls["inputType"]!, "DATE")).toBe(true);
    expect(needsCode(controls["label"]!, "Name")).toBe(false);
  });

  it("turns typed code into the stored value", () => {
    const [dataSection] = paneSections(input).filter((s) => s.id === "data");
    const options = dataSection!.controls[0]!;
    expect(valueFromCode(options, '[{"label": "A"}]')).toEqual([{ label: "A" }]);
    expect(valueFromCode(options, "{{getOrders.data}}")).toBe("{{getOrders.data}}");
    expect(valueFromCode(options, "")).toBeUndefined();
    expect(codeText([1, 2])).toBe("[\n  1,\n  2\n]");
  });

  it("finds controls by label", () => {
    expect(searchControls(paneSections(input), "colour").flatMap((s) => s.controls.map((c) => c.name))).toEqual(["accentColor"]);
  });
});
