import { describe, expect, test } from "vitest";

import { DependencyGraph } from "./graph";

function graph(edges: Record<string, string[]>, tolerant: string[] = []): DependencyGraph {
  const g = new DependencyGraph();
  for (const k of Object.keys(edges)) g.addNode(k, { cycleTolerant: tolerant.includes(k) });
  for (const [k, deps] of Object.entries(edges)) g.setDependencies(k, deps);
  return g;
}

describe("dependency graph", () => {
  test("topological order puts dependencies first", () => {
    const order = graph({ c: ["b"], b: ["a"], a: [], d: ["a", "c"] }).topologicalOrder();
    expect(order.indexOf("a")).toBeLessThan(order.indexOf("b"));
    expect(order.indexOf("b")).toBeLessThan(order.indexOf("c"));
    expect(order.indexOf("c")).toBeLessThan(order.indexOf("d"));
  });

  test("affectedBy returns a change and its dependents only, in order", () => {
    const g = graph({ a: [], b: ["a"], c: ["b"], x: [], y: ["x"] });
    expect(g.affectedBy(["a"])).toEqual(["a", "b", "c"]);
  });

  test("cycles are reported with every member; self-dependency too", () => {
    const g = graph({ a: ["c"], b: ["a"], c: ["b"], s: ["s"], ok: [] });
    const groups = g.cyclicGroups().map((c) => [...c].sort());
    expect(groups).toContainEqual(["a", "b", "c"]);
    expect(groups).toContainEqual(["s"]);
    expect(groups).toHaveLength(2);
  });

  test("mutual recursion between tolerant nodes (functions) is not a cycle", () => {
    expect(graph({ f: ["g"], g: ["f"] }, ["f", "g"]).cyclicGroups()).toEqual([]);
  });

  test("a long chain does not overflow the stack", () => {
    const edges: Record<string, string[]> = { n0: [] };
    for (let i = 1; i < 50000; i++) edges[`n${i}`] = [`n${i - 1}`];
    expect(graph(edges).topologicalOrder()[49999]).toBe("n49999");
  });

  test("removing a dependency updates the order and the dependents", () => {
    const g = graph({ a: [], b: ["a"] });
    g.setDependencies("b", []);
    expect(g.affectedBy(["a"])).toEqual(["a"]);
  });
});
