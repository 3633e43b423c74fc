import { describe, expect, it } from "vitest";

import { boxSelection, spanned, touched } from "./marquee";

const widgets = [
  { id: "a", rect: { left: 0, top: 0, width: 100, height: 40 } },
  { id: "b", rect: { left: 200, top: 0, width: 100, height: 40 } },
  { id: "c", rect: { left: 0, top: 100, width: 300, height: 40 } },
];

describe("drag-box selection", () => {
  it("spans the same rectangle whichever way the pointer is dragged", () => {
    expect(spanned(50, 60, 10, 20)).toEqual({ left: 10, top: 20, width: 40, height: 40 });
    expect(spanned(10, 20, 50, 60)).toEqual(spanned(50, 60, 10, 20));
  });

  it("selects every widget the box touches, even partly", () => {
    expect(touched(spanned(90, 10, 210, 30), widgets)).toEqual(["a", "b"]);
    expect(touched(spanned(250, 30, 260, 120), widgets)).toEqual(["b", "c"]);
  });

  it("selects nothing when the box only covers empty grid", () => {
    expect(touched(spanned(110, 50, 190, 90), widgets)).toEqual([]);
  });

  it("replaces the selection, or adds to it when shift is held", () => {
    expect(boxSelection(["x"], ["a", "b"], false)).toEqual(["a", "b"]);
    expect(boxSelection(["x", "a"], ["a", "b"], true)).toEqual(["x", "a", "b"]);
  });
});
