import { describe, expect, test } from "vitest";

import { loadManifests } from "../testing/manifests";
import { valueProblems } from "./validation";

describe("values are checked against the manifest type without coercion", () => {
  test.each([
    [{ type: "number" }, "5", /expected a finite number/],
    [{ type: "number" }, Number.NaN, /expected a finite number/],
    [{ type: "boolean" }, "true", /expected true or false/],
    [{ type: "enum", options: ["A", "B"] }, "C", /expected one of/],
    [{ type: "array", items: { type: "number" } }, [1, "2"], /value\[1\]: expected a finite number/],
    [{ type: "object", shape: { n: { type: "number" } } }, { n: "x" }, /value\.n/],
    [{ type: "date" }, "yesterday", /ISO 8601/],
    [{ type: "url" }, "javascript:alert(1)", /script URLs/],
    [{ type: "color" }, "rgb(1,2", /CSS colour/],
  ] as const)("%j rejects %j", (hint, value, message) => {
    expect(valueProblems(value, hint as never).join("\n")).toMatch(message);
  });

  test.each([
    [{ type: "number" }, 3.5],
    [{ type: "date" }, "2026-11-26T04:00:00Z"],
    [{ type: "color" }, "#553DE9"],
    [{ type: "icon" }, "arrow-right"],
    [{ type: "string" }, null],
    [{ type: "number" }, undefined],
  ] as const)("%j accepts %j", (hint, value) => {
    expect(valueProblems(value, hint as never)).toEqual([]);
  });

  test("every manifest default that is not a binding fits its own type", () => {
    for (const m of loadManifests()) {
      for (const p of m.properties) {
        if (typeof p.default === "string" && p.default.includes("{{")) continue;
        expect(valueProblems(p.default, p, `${m.type}.${p.name}`)).toEqual([]);
      }
    }
  });
});
