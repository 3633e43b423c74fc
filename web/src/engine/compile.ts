/**
 * Turning user JavaScript into functions that see only what the engine hands them.
 *
 * Every piece of code is parsed first (so a binding cannot close the wrapper it is put in), its
 * loops are instrumented with the long-running-code guard, and the free names it uses are bound
 * from a scope object supplied at call time. Names that are in no scope fall through to the
 * worker's global object, which `lockdown.ts` has emptied of network and storage access.
 */
import { analyseJsObject, type JsObjectAnalysis } from "./jsObjects";
import { loopGuard } from "./loopGuard";
import { analyse, type AnalyseOptions, type Analysis, type CodeMode, type EsNode } from "./references";

export type Scope = Readonly<Record<string, unknown>>;

/** A compiled expression or handler: call with `this` and the names it may read. */
export type CompiledCode = (thisArg: unknown, scope: Scope) => unknown;

export interface Compiled {
  readonly run: CompiledCode;
  readonly analysis: Analysis;
  /** Free root names the code reads (entities, action functions, extra names). */
  readonly roots: readonly string[];
}

/** Code that may not run in the sandbox (dynamic import). */
export class ForbiddenCodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ForbiddenCodeError";
  }
}

const GUARD = "__lcGuard";
const SCOPE = "__lcScope";
const CASE = "__lcCase";
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

interface Edit {
  readonly at: number;
  readonly text: string;
  /** Characters replaced from `at` (0 for an insertion). */
  readonly remove?: number;
}

function applyEdits(code: string, edits: Edit[]): string {
  let out = code;
  for (const { at, text, remove } of [...edits].sort((a, b) => b.at - a.at)) {
    out = out.slice(0, at) + text + out.slice(at + (remove ?? 0));
  }
  return out;
}

function loopEdits(loopBodies: readonly EsNode[], offset = 0): Edit[] {
  const inserts: Edit[] = [];
  for (const body of loopBodies) {
    if (body.type === "BlockStatement") inserts.push({ at: body.start - offset + 1, text: `${GUARD}();` });
    else {
      inserts.push({ at: body.start - offset, text: `{${GUARD}();` });
      inserts.push({ at: body.end - offset, text: "}" });
    }
  }
  return inserts;
}

/** Insert a guard call at the start of every loop body, wrapping single statements in braces. */
export function instrumentLoops(code: string, loopBodies: readonly EsNode[], offset = 0): string {
  return applyEdits(code, loopEdits(loopBodies, offset));
}

/** The free names the code reads that the scope will provide. */
function boundRoots(analysis: Analysis, names: NameSet): string[] {
  const roots = new Set<string>();
  for (const ref of analysis.references) if (names.has(ref.root)) roots.add(ref.root);
  for (const name of names.alwaysBound) roots.add(name);
  return [...roots].filter((r) => IDENTIFIER.test(r) && r !== GUARD && r !== SCOPE && r !== CASE);
}

/**
 * The names a scope object will hold when compiled code runs. `alwaysBound` names are bound even
 * when the analyser does not report them (the action functions, which it counts as globals).
 */
export interface NameSet {
  has(name: string): boolean;
  readonly alwaysBound: readonly string[];
}

const caches = new WeakMap<NameSet, Map<string, Compiled>>();

/** Data bindings (the common case) are keyed by their code alone, which needs no new string. */
function compileKey(code: string, mode: CodeMode, options: AnalyseOptions): string {
  if (mode === "expression" && options.thisEntity === undefined && !options.topLevelIsMethod) return code;
  return `\u0000${mode}\u0000${options.thisEntity ?? ""}\u0000${options.topLevelIsMethod ? 1 : 0}\u0000${code}`;
}

function cacheFor(names: NameSet): Map<string, Compiled> {
  let cache = caches.get(names);
  if (!cache) {
    cache = new Map();
    caches.set(names, cache);
  }
  return cache;
}

/** The source of a function evaluating the data binding `code` (already analysed). */
function expressionFunction(code: string, analysis: Analysis, roots: readonly string[]): string {
  const binds = roots.map((r) => `const ${r} = ${SCOPE}.${r};`).join("");
  const instrumented = instrumentLoops(code, analysis.loopBodies, analysis.offset);
  return `function(${SCOPE}){${binds}return (\n${instrumented}\n);}`;
}

/** `case` blocks per shared function: enough to save most per-function costs, few registers each. */
const CASES_PER_FUNCTION = 64;
/** Code that can tell which function it runs in is compiled alone (see `precompile`). */
const SEES_ITS_FUNCTION = /\barguments\b|\bnew\s*\.\s*target\b/;

/**
 * Compile many data bindings with one `new Function` (a page load). In a fresh worker, compiling
 * thousands of small functions dominates the first evaluation (V8 compiles each one on its first
 * call), so bindings share functions: one `case` block per binding, selected by its number, each
 * binding only its own names as before. The code of every binding has been analysed as exactly one
 * expression, so it cannot leave its parentheses. Bindings that fail to analyse are left to `compile`.
 */
export function precompile(codes: Iterable<string>, names: NameSet): void {
  const cache = cacheFor(names);
  const todo: { code: string; analysis: Analysis; roots: string[] }[] = [];
  const seen = new Set<string>();
  for (const code of codes) {
    const key = compileKey(code, "expression", {});
    if (seen.has(key) || cache.has(key)) continue;
    seen.add(key);
    let analysis: Analysis;
    try {
      analysis = analyse(code, "expression");
    } catch {
      continue;
    }
    if (analysis.usesImport || SEES_ITS_FUNCTION.test(code)) continue;
    // A dotted name of a bound entity is read without running code (see the engine).
    if (analysis.simplePath && names.has(analysis.simplePath[0] as string)) continue;
    todo.push({ code, analysis, roots: boundRoots(analysis, names) });
  }
  if (todo.length === 0) return;
  type Shared = (this: unknown, which: number, scope: Scope) => unknown;
  let fns: Shared[];
  try {
    const chunks: string[] = [];
    for (let first = 0; first < todo.length; first += CASES_PER_FUNCTION) {
      let cases = "";
      todo.slice(first, first + CASES_PER_FUNCTION).forEach((t, i) => {
        const binds = t.roots.map((r) => `const ${r} = ${SCOPE}.${r};`).join("");
        cases += `case ${i}:{${binds}return (\n${instrumentLoops(t.code, t.analysis.loopBodies, t.analysis.offset)}\n);}\n`;
      });
      chunks.push(`function(${CASE}, ${SCOPE}){switch(${CASE}){\n${cases}}}`);
    }
    const body = `"use strict";return [${chunks.join(",\n")}];`;
    fns = (new Function(GUARD, body) as (guard: () => void) => Shared[])(loopGuard);
  } catch {
    return;
  }
  todo.forEach((t, i) => {
    const fn = fns[Math.floor(i / CASES_PER_FUNCTION)] as Shared;
    const which = i % CASES_PER_FUNCTION;
    cache.set(compileKey(t.code, "expression", {}), { run: (thisArg, scope) => fn.call(thisArg, which, scope), analysis: t.analysis, roots: t.roots });
  });
}

/**
 * Compile `code`. `mode` "expression" returns the expression's value; "statements" becomes an async
 * function body (an event handler) whose value is that of a lone expression statement.
 * Only the names in `names` are bound from the scope object at call time; any other free name
 * reads the (locked-down) global object, so an unknown entity is a ReferenceError.
 */
export function compile(
  code: string,
  mode: CodeMode,
  names: NameSet,
  options: AnalyseOptions = {},
): Compiled {
  const cache = cacheFor(names);
  const key = compileKey(code, mode, options);
  const hit = cache.get(key);
  if (hit) return hit;
  const analysis = analyse(code, mode, options);
  if (analysis.usesImport) throw new ForbiddenCodeError("import() is not available in bindings");
  const roots = boundRoots(analysis, names);
  const binds = roots.map((r) => `const ${r} = ${SCOPE}.${r};`).join("");
  const preamble = `"use strict";`;
  let body: string;
  if (mode === "expression") {
    body = `${preamble}return ${expressionFunction(code, analysis, roots)};`;
  } else {
    const instrumented = instrumentLoops(code, analysis.loopBodies, analysis.offset);
    const program = analysis.ast["body"] as EsNode[];
    const only = program.length === 1 ? program[0] : undefined;
    const inner =
      only && only.type === "ExpressionStatement"
        ? `return (\n${instrumentLoops(code.slice(only.start, only.end).replace(/;\s*$/, ""), analysis.loopBodies, only.start)}\n);`
        : instrumented;
    body = `${preamble}return async function(${SCOPE}){${binds}\n${inner}\n};`;
  }
  const factory = new Function(GUARD, body) as (guard: () => void) => (this: unknown, scope: Scope) => unknown;
  const fn = factory(loopGuard);
  const run: CompiledCode = (thisArg, scope) => fn.call(thisArg, scope);
  const compiled: Compiled = { run, analysis, roots };
  if (cache.size > 20000) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

export interface CompiledJsObject {
  readonly analysis: JsObjectAnalysis;
  /** Run the body once: returns the exported object. `thisArg` is `this` for arrow members. */
  readonly run: (thisArg: unknown, scope: Scope) => Record<string, unknown>;
}

/** Compile a JS object body: `export default {...}` becomes the value returned by a function. */
export function compileJsObject(body: string, object: string, names: NameSet): CompiledJsObject {
  const analysis = analyseJsObject(body, object);
  if (analysis.analysis.usesImport) throw new ForbiddenCodeError("imports are not available in JS objects");
  const edits = loopEdits(analysis.analysis.loopBodies);
  edits.push({ at: analysis.exportStart, text: "return ", remove: analysis.declarationStart - analysis.exportStart });
  const roots = boundRoots(analysis.analysis, names).filter((r) => r !== object || names.has(r));
  const binds = roots.map((r) => `const ${r} = ${SCOPE}.${r};`).join("");
  const text = `"use strict";return function(${SCOPE}){${binds}\n${applyEdits(body, edits)}\n};`;
  const factory = new Function(GUARD, text) as (guard: () => void) => (this: unknown, scope: Scope) => Record<string, unknown>;
  const fn = factory(loopGuard);
  return { analysis, run: (thisArg, scope) => fn.call(thisArg, scope) };
}
