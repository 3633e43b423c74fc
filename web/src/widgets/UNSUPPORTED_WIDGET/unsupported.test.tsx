/** The placeholder of an imported widget Lowcraft lacks, as a user of the app sees it. */
import { describe, expect, test } from "vitest";

import { WidgetHarness } from "../../testing/widgetHarness";
import { WIDGETS } from "../registry";
import Unsupported from "./index";

describe("UNSUPPORTED_WIDGET", () => {
  test("is a registered widget type", () => {
    expect(WIDGETS["UNSUPPORTED_WIDGET"]).toBe(Unsupported);
  });

  test("names the original type and the widget, and keeps the original properties on the widget", () => {
    const h = new WidgetHarness(Unsupported, "UNSUPPORTED_WIDGET", { originalType: "MAP_WIDGET", originalProperties: { zoomLevel: 50 } }, "WhereMap");
    expect(h.html()).toContain("Appsmith MAP_WIDGET — not supported yet");
    expect(h.html()).toContain('aria-label="WhereMap: MAP_WIDGET is not supported yet"');
    expect(h.values["originalProperties"]).toEqual({ zoomLevel: 50 });
  });
});
