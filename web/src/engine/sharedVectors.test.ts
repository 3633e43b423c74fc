/**
 * The shared binding vectors (spec/bindings/*.json) that the server's analyser passes too: one
 * generic test over every "references" case.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

import { classifyReferences, type SourceKind } from "./bindingAnalysis";

const SPEC_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../../spec/bindings");

interface VectorCase {
  readonly name: string;
  readonly source: string;
  readonly kind?: SourceKind;
  readonly entities?: string[] | null;
  readonly object?: string;
  readonly references?: string[];
  readonly appGlobals?: string[];
  readonly jsGlobals?: string[];
  readonly unknown?: string[];
  readonly members?: string[];
  readonly syntaxError?: boolean;
}

interface VectorFile {
  readonly type: string;
  readonly defaults?: Partial<VectorCase>;
  readonly cases: VectorCase[];
}

const files = existsSync(SPEC_DIR)
  ? readdirSync(SPEC_DIR)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => [f, JSON.parse(readFileSync(join(SPEC_DIR, f), "utf8")) as VectorFile] as const)
      .filter(([, file]) => file.type === "references")
  : [];

const sorted = (xs: readonly string[] | undefined): string[] => [...(xs ?? [])].sort();

test("the shared vectors are present", () => {
  expect(files.length).toBeGreaterThan(0);
});

describe.each(files)("%s", (_file, vectors) => {
  test.each(vectors.cases.map((c) => [c.name, { ...vectors.defaults, ...c }] as const))("%s", (_name, c) => {
    const entities = c.entities === null ? null : new Set(c.entities ?? []);
    const got = classifyReferences(c.source, c.kind ?? "expression", { entities, ...(c.object ? { object: c.object } : {}) });
    expect(got.syntaxError !== null, `syntax error: ${got.syntaxError?.message ?? "none"}`).toBe(c.syntaxError === true);
    if (c.syntaxError) return;
    expect(sorted(got.references)).toEqual(sorted(c.references));
    expect(sorted(got.appGlobals)).toEqual(sorted(c.appGlobals));
    expect(sorted(got.jsGlobals)).toEqual(sorted(c.jsGlobals));
    expect(sorted(got.unknown)).toEqual(sorted(c.unknown));
    if (c.members) expect(got.members).toEqual(c.members);
  });
});
