import { describe, expect, it } from "vitest";

import { cleanStack, FONT_CHOICES, fontChoiceOf } from "./fonts";

describe("the theme's font control", () => {
  it("recognises a stored choice, and an empty font as the system font", () => {
    expect(fontChoiceOf("Georgia, Times New Roman, serif")?.label).toBe("Serif");
    expect(fontChoiceOf(undefined)?.label).toBe("System");
  });

  it("treats any other stack as the developer's own", () => {
    expect(fontChoiceOf("Inter, sans-serif")).toBeNull();
  });

  it("keeps a typed stack from breaking out of the CSS declaration", () => {
    expect(cleanStack(" Inter; color: red} ")).toBe("Inter color: red");
  });

  it("offers distinct stacks", () => {
    expect(new Set(FONT_CHOICES.map((c) => c.stack)).size).toBe(FONT_CHOICES.length);
  });
});
