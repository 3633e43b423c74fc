import { describe, expect, it } from "vitest";

import { glyphOf } from "../widgets/ICON_BUTTON_WIDGET/icons";
import { ICON_NAMES, ICON_PATTERN, searchIcons } from "./iconNames";

describe("the icon picker's catalogue", () => {
  it("offers only names the server accepts, each once, each drawn by the widgets", () => {
    expect(ICON_NAMES.every((n) => ICON_PATTERN.test(n))).toBe(true);
    expect(new Set(ICON_NAMES).size).toBe(ICON_NAMES.length);
    // An unknown name falls back to its first letter: every offered icon has a real glyph.
    expect(ICON_NAMES.filter((n) => glyphOf(n) === n.charAt(0).toUpperCase())).toEqual([]);
  });

  it("finds icons by name or by group", () => {
    expect(searchIcons("chevron up")).toEqual(["chevron-up"]);
    expect(searchIcons("arrows")).toContain("arrow-left");
    expect(searchIcons("")).toEqual(ICON_NAMES);
    expect(searchIcons("nothing-like-this")).toEqual([]);
  });
});
