import { describe, expect, test } from "vitest";

import { compile, precompile, type NameSet } from "./compile";

function names(...bound: string[]): NameSet {
  return { has: (n) => bound.includes(n), alwaysBound: [] };
}

describe("bindings compiled together at load behave as if compiled alone", () => {
  const scope = { A: { v: 10, list: [1, 2, 3] }, B: null };
  const sources = [
    ...Array.from({ length: 150 }, (_, i) => `A.v + ${i}`),
    "B.missing",
    "A.list.map((x) => x * A.v)",
    "(() => { let n = 0; for (const x of A.list) n += x; return n; })()",
    "arguments.length",
    "this === undefined ? 'no this' : this.tag",
  ];
  const set = names("A", "B");
  precompile(sources, set);

  test("each binding returns its own value", () => {
    expect(Array.from({ length: 150 }, (_, i) => compile(`A.v + ${i}`, "expression", set).run(undefined, scope))).toEqual(
      Array.from({ length: 150 }, (_, i) => 10 + i),
    );
    expect(compile("A.list.map((x) => x * A.v)", "expression", set).run(undefined, scope)).toEqual([10, 20, 30]);
    expect(compile("(() => { let n = 0; for (const x of A.list) n += x; return n; })()", "expression", set).run(undefined, scope)).toBe(6);
  });

  test("an error stays with the binding that raised it", () => {
    expect(() => compile("B.missing", "expression", set).run(undefined, scope)).toThrow(/reading 'missing'/);
    expect(compile("A.v + 149", "expression", set).run(undefined, scope)).toBe(159);
  });

  test("`this` and `arguments` are those of a function of its own", () => {
    expect(compile("this === undefined ? 'no this' : this.tag", "expression", set).run({ tag: "row" }, scope)).toBe("row");
    expect(compile("arguments.length", "expression", set).run(undefined, scope)).toBe(1);
  });

  test("names outside its name set are not in its reach", () => {
    const onlyA = names("A");
    precompile(["typeof B", "A.v"], onlyA);
    expect(compile("typeof B", "expression", onlyA).run(undefined, scope)).toBe("undefined");
  });
});
