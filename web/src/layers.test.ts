/**
 * The client's layers point one way: the engine is framework-free and knows no widget, view or
 * editor module (the worker entry, its composition root, wires the widgets' derived values in);
 * what the worker bundles from the widgets is React-free. And no module grows past 600 lines.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, test } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));
const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Every module `file` reaches through static imports, itself included (packages by name). */
function reach(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const spec of importsOf(file)) {
    if (!spec.startsWith(".")) seen.add(spec);
    else {
      const target = resolveLocal(file, spec);
      if (target) reach(target, seen);
    }
  }
  return seen;
}

const rel = (file: string): string => relative(SRC, file);
const engineModules = readdirSync(join(SRC, "engine"))
  .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
  .map((f) => join(SRC, "engine", f));

describe("the engine", () => {
  test.each(engineModules.filter((f) => !f.endsWith("worker.ts")).map(rel))("%s imports only the engine and plain libraries", (file) => {
    for (const spec of importsOf(join(SRC, file))) {
      if (spec.startsWith(".")) expect(spec, `${file} imports ${spec}`).toMatch(/^\.\/[^/]+$/);
      else expect(spec, `${file} imports ${spec}`).not.toMatch(/^react/);
    }
  });
});

describe("what the engine worker bundles", () => {
  test("is React-free: the worker entry reaches no React and no widget component", () => {
    const reached = [...reach(join(SRC, "engine", "worker.ts"))];
    expect(reached.filter((m) => /^react/.test(m))).toEqual([]);
    expect(reached.filter((m) => m.endsWith(".tsx")).map(rel)).toEqual([]);
  });

  test("widget folders' derived values and editor hints import nothing with React in it", () => {
    const folders = readdirSync(join(SRC, "widgets")).filter((d) => /_WIDGET/.test(d));
    const modules = folders.flatMap((d) => ["derived.ts", "editor.ts"].map((f) => join(SRC, "widgets", d, f))).filter((f) => resolveLocal(f, f) !== undefined);
    expect(modules.length).toBeGreaterThan(0);
    for (const file of [...modules, join(SRC, "widgets", "derived.ts"), join(SRC, "widgets", "editorHints.ts")]) {
      const reached = [...reach(file)];
      expect(reached.filter((m) => /^react/.test(m) || m.endsWith(".tsx")), rel(file)).toEqual([]);
    }
  });
});

describe("module size", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));

  // Data, not code: the API types generated from the server's OpenAPI document (npm run api-types).
  const generated = new Set(["api/generated.ts"]);

  test("no file in web/src is over 600 lines, data aside", () => {
    const long = files(SRC)
      .filter((f) => !generated.has(rel(f)))
      .map((f) => [rel(f), readFileSync(f, "utf8").split("\n").length] as const)
      .filter(([, lines]) => lines > 600);
    expect(long).toEqual([]);
  });
});

describe("the published viewer", () => {
  test("reaches no Yjs: a live viewer hears of a publish through the small channel module only", () => {
    const reached = [...reach(join(SRC, "viewer", "ViewerRoute.tsx"))];
    expect(reached.filter((m) => /^(yjs|y-protocols|y-codemirror|lib0)/.test(m))).toEqual([]);
    expect(reached.map(rel)).toContain(join("realtime", "channel.ts"));
  });
});
