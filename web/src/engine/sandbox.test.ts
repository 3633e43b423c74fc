import { afterEach, describe, expect, test } from "vitest";

import { WIDGET_DERIVED } from "../widgets/derived";
import { compile, type NameSet } from "./compile";
import { Engine } from "./engine";
import { LongRunningCodeError, loopBudget, setLoopBudget } from "./loopGuard";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";

const names: NameSet = { has: (n) => n === "Input1", alwaysBound: [] };
const original = loopBudget();

afterEach(() => setLoopBudget(original));

describe("long-running code is cut off", () => {
  test("an endless loop in a binding becomes an error on that property only", () => {
    setLoopBudget(100);
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests: loadManifests(), host: new RecordingHost() });
    const started = performance.now();
    engine.load(
      page([
        widget("Text1", "TEXT_WIDGET", { text: "{{ (() => { let i = 0; while (true) i++; })() }}" }),
        widget("Text2", "TEXT_WIDGET", { text: "{{ (() => { for (;;) {} })() }}" }),
        widget("Text3", "TEXT_WIDGET", { text: "still here" }),
      ]),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(engine.errorsOf("Text1.text")[0]?.message).toMatch(/ran for more than 100 ms/);
    expect(engine.errorsOf("Text2.text")[0]?.message).toMatch(/ran for more than 100 ms/);
    expect(engine.get("Text3.text")).toBe("still here");
  });

  test("an endless loop in an event handler rejects with LongRunningCodeError", async () => {
    setLoopBudget(50);
    const handler = compile("let n = 0; do { n++ } while (n > 0)", "statements", names);
    await expect(handler.run(undefined, {})).rejects.toBeInstanceOf(LongRunningCodeError);
  });

  test("code that awaits gets a fresh budget after each wait", async () => {
    setLoopBudget(60);
    const handler = compile(
      "let total = 0; for (let round = 0; round < 3; round++) { const end = Date.now() + 40; while (Date.now() < end) total++; await new Promise(r => setTimeout(r, 0)); } return total > 0",
      "statements",
      { has: () => false, alwaysBound: [] },
    );
    await expect(handler.run(undefined, {})).resolves.toBe(true);
  });
});

describe("what user code can see", () => {
  test("only the names in the scope are bound; unknown names are ReferenceErrors", () => {
    const code = compile("Input1.text + (typeof Other)", "expression", names);
    expect(code.run(undefined, { Input1: { text: "a" }, Other: "hidden" })).toBe("aundefined");
  });

  test("import() is refused before anything runs", () => {
    expect(() => compile("import('/api/v1/users')", "expression", names)).toThrow(/import\(\) is not available/);
  });

  test("`this.params` is the parameters of the run", () => {
    const code = compile("this.params.limit * 2", "expression", names);
    expect(code.run({ params: { limit: 4 } }, {})).toBe(8);
  });
});
