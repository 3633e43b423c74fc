import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

import { benchPage } from "../../bench/page";
import { quickReferences } from "./quickScan";
import { analyseWithParser } from "./references";
import { splitSegments } from "./segments";

const SPEC_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../../spec/bindings");

/** Every binding we know of: the shared vectors, the benchmark page, and tricky cases of our own. */
function corpus(): string[] {
  const out = new Set<string>();
  for (const f of readdirSync(SPEC_DIR).filter((x) => x.endsWith(".json"))) {
    const file = JSON.parse(readFileSync(join(SPEC_DIR, f), "utf8")) as { cases: { source: string; kind?: string }[]; defaults?: { kind?: string } };
    for (const c of file.cases) {
      if ((c.kind ?? file.defaults?.kind) === "jsobject") continue;
      for (const s of splitSegments(c.source)) if (s.isBinding) out.add(s.source);
    }
  }
  const visit = (node: Record<string, unknown>): void => {
    for (const v of Object.values(node)) if (typeof v === "string") for (const s of splitSegments(v)) if (s.isBinding) out.add(s.source);
    for (const c of (node["children"] as Record<string, unknown>[] | undefined) ?? []) visit(c);
  };
  visit(benchPage(40).dsl as unknown as Record<string, unknown>);
  for (const extra of [
    "a = 1", "a += 1", "a <<= 2", "a++", "a =>", "(a) => a", "a b", "a +", "f(a,)", "()", "a ? b : c", "typeof A === 'x'",
    "new Date(A.b).getTime()", "f()?.x", "A?.b?.c", "1.5 + A.b", "1..toString()", "'it''s'", "A.b in C", "!A.b && !(C.d || E)",
    "x ? .5 : 1", "a.default + b.new", "-A.x * +B.y", "A.b(C.d)(E)", "'a' + \"b\"", "a\n.b", "a.\nb", "f(g(h(A.b)))",
    "A.b[0].c", "A[0]", "A.b[ 12 ].c.d + B[1][2]", "A[01]", "A[1.5]", "A[0x1]", "A[1_0]", "A.b[0]?.c", "A[0](B.c)",
    "A[-1]", "f(A)[0]", "A[0].b[1].c + C.d[3]", "A\n[0]", "A[0] .b", "A[0]b", "A[0].1", "A[0]['x']", "A[0][B]",
  ]) out.add(extra);
  return [...out];
}

describe("the fast path agrees with the parser", () => {
  const codes = corpus();

  test("the corpus exercises the fast path", () => {
    expect(codes.filter((c) => quickReferences(c) !== null).length).toBeGreaterThan(40);
  });

  test.each(codes.map((c) => [c] as const))("%s", (code) => {
    const quick = quickReferences(code);
    if (quick === null) return; // left to the parser
    // Whatever the scanner accepts is one valid expression with the parser's references.
    const parsed = analyseWithParser(code, "expression");
    expect(quick.map((r) => r.path).sort()).toEqual(parsed.allReferences.map((r) => r.path).sort());
  });
});
