import { expect, test } from "vitest";

import { WIDGET_DERIVED } from "../widgets/derived";
import { loadLibraries, libraryProblems } from "./customLibraries";
import { Engine } from "./engine";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";

// A UMD build as CDNs serve them: AMD, then CommonJS, else a global on `self`/`this`.
const UMD = `(function (root, factory) {
  if (typeof define === "function" && define.amd) define([], factory);
  else if (typeof module === "object" && module.exports) module.exports = factory();
  else root.vitestCsv = factory();
})(typeof self !== "undefined" ? self : this, function () {
  return { parse: function (t) { return t.split(",") }, version: "1" };
});`;

const scope = globalThis as unknown as Record<string, unknown>;

test("a library's accessors are the globals that appear while it runs, and bindings use them", () => {
  const [result] = loadLibraries([{ name: "vitestcsv", sha256: "a".repeat(64), code: UMD }]);
  expect(result).toEqual({ name: "vitestcsv", accessor: ["vitestCsv"], members: { vitestCsv: ["parse", "version"] } });
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests: loadManifests(), host: new RecordingHost(), appsmith: {} });
  engine.load(page([widget("Text1", "TEXT_WIDGET", { text: "{{ vitestCsv.parse('a,b').length }}" })]));
  expect(engine.get("Text1.text")).toBe("2");
  delete scope["vitestCsv"];
});

test("top-level declarations of a plain script become globals, and a library runs once per worker", () => {
  let runs = 0;
  const code = "var padLeftV = function (s) { return ' ' + s }; function padRightV(s) { return s + ' ' }";
  const globalEval: (source: string) => unknown = eval;
  const run = (source: string) => {
    runs += 1;
    return globalEval(source);
  };
  const first = loadLibraries([{ name: "pad", sha256: "b".repeat(64), code }], scope, run);
  const again = loadLibraries([{ name: "pad", sha256: "b".repeat(64), code }], scope, run);
  expect(first[0]?.accessor).toEqual(["padLeftV", "padRightV"]);
  expect(again[0]?.accessor).toEqual(["padLeftV", "padRightV"]);
  expect(runs).toBe(1);
});

test("a library that throws is reported with its error, and the others still load", () => {
  const results = loadLibraries([
    { name: "broken", sha256: "c".repeat(64), code: "throw new Error('needs a DOM')" },
    { name: "fine", sha256: "d".repeat(64), code: "var fineLibV = 1" },
  ]);
  expect(results.map((r) => [r.name, r.error, r.accessor])).toEqual([
    ["broken", "Error: needs a DOM", []],
    ["fine", undefined, ["fineLibV"]],
  ]);
  expect(libraryProblems(results)).toBe("The JS library broken could not load: Error: needs a DOM");
  expect(libraryProblems(results.slice(1))).toBeNull();
});

test("a library that defines nothing global has no accessor", () => {
  const [result] = loadLibraries([{ name: "cjs", sha256: "e".repeat(64), code: "(function () { var x = 1; if (typeof module === 'object') module.exports = x })()" }]);
  expect(result?.accessor).toEqual([]);
});
