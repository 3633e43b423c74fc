/** The rating widget as a user meets it, and what bindings and forms read after a pick. */
import { describe, expect, test } from "vitest";

import { Engine } from "../../engine/engine";
import { loadManifests } from "../../testing/manifests";
import { page, widget } from "../../testing/pages";
import { RecordingHost } from "../../testing/recordingHost";
import { byTag, WidgetHarness } from "../../testing/widgetHarness";
import { WIDGET_DERIVED } from "../derived";
import Rate from "./index";
import { pickLabel, shownRate, starCount, starFill } from "./stars";

const choices = (h: WidgetHarness) => h.elements().filter(byTag("button", (p) => p["role"] === "radio"));
const choice = (h: WidgetHarness, label: RegExp) => h.find(byTag("button", (p) => label.test(String(p["aria-label"]))), `choice ${label}`);
const filled = (html: string): string[] => [...html.matchAll(/data-fill="([\d.]+)"/g)].map((m) => m[1] as string);

describe("RATE_WIDGET", () => {
  test("shows its number of stars with the starting rating filled, each named by its hint", () => {
    const h = new WidgetHarness(Rate, "RATE_WIDGET");
    expect(filled(h.html())).toEqual(["1", "1", "1", "0", "0"]);
    expect(choices(h).map((c) => c.props["aria-label"])).toEqual(["Terrible (1 star)", "Bad (2 stars)", "Neutral (3 stars)", "Good (4 stars)", "Great (5 stars)"]);
    expect(h.values).toMatchObject({ rate: 3, value: 3, isDirty: false });
  });

  test("picking a star sets rate and value, marks it changed and runs onRateChanged", () => {
    const h = new WidgetHarness(Rate, "RATE_WIDGET", { maxCount: 10, defaultRate: 0, tooltips: [] });
    h.fire(choice(h, /^7 stars$/), "onClick");
    expect(h.values).toMatchObject({ rate: 7, value: 7, isDirty: true });
    expect(h.eventNames()).toEqual(["onRateChanged"]);
    expect(choice(h, /^7 stars$/).props["aria-checked"]).toBe(true);
    expect(filled(h.html()).filter((f) => f === "1")).toHaveLength(7);
  });

  test("with half stars, the left half of a star picks the half", () => {
    const h = new WidgetHarness(Rate, "RATE_WIDGET", { isAllowHalf: true, tooltips: [] });
    expect(choices(h)).toHaveLength(10);
    h.fire(choice(h, /^1\.5 stars$/), "onClick");
    expect(h.values["value"]).toBe(1.5);
    expect(filled(h.html())).toEqual(["1", "0.5", "0", "0", "0"]);
  });

  test("a disabled rating ignores clicks", () => {
    const h = new WidgetHarness(Rate, "RATE_WIDGET", { isDisabled: true });
    expect(choices(h).every((c) => c.props["disabled"] === true)).toBe(true);
    h.fire(choice(h, /5 stars/), "onClick");
    expect(h.values).toMatchObject({ rate: 3, isDirty: false });
    expect(h.eventNames()).toEqual([]);
  });

  test("a form collects the rating with its other fields", () => {
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests: loadManifests(), host: new RecordingHost() });
    engine.load(page([widget("F", "FORM_WIDGET", {}, [widget("Stars", "RATE_WIDGET"), widget("Note", "INPUT_WIDGET_V2", { defaultText: "ok" })])]));
    engine.setMeta("Stars", { rate: 4, isDirty: true });
    expect(engine.widgetValues()["F"]).toMatchObject({ data: { Stars: 4, Note: "ok" }, hasChanges: true });
  });
});

describe("the rating's arithmetic", () => {
  test("draws 1 to 20 whole stars whatever a binding gives", () => {
    expect([starCount(5), starCount(0), starCount(99), starCount(4.7), starCount("7"), starCount(Number.NaN)]).toEqual([5, 1, 20, 4, 5, 5]);
  });

  test("shows a rating within the stars, rounded to what the user could pick", () => {
    expect([shownRate(3.4, 5, false), shownRate(3.4, 5, true), shownRate(9, 5, false), shownRate(-1, 5, false), shownRate(undefined, 5, true)]).toEqual([3, 3.5, 5, 0, 0]);
  });

  test("fills each star fully, by half or not at all", () => {
    expect([1, 2, 3].map((i) => starFill(i, 2.5))).toEqual([1, 1, 0.5]);
    expect(pickLabel(2, ["a", ""])).toBe("2 stars");
  });
});
