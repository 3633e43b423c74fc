/**
 * Which application data a piece of JavaScript reads: every free root identifier with the static
 * property path read from it (`Table1.selectedRow.id`).
 *
 * Same semantics as the server's analyser: locals, parameters, destructured names, function and
 * class names, catch parameters and anything they shadow are not references; a computed member
 * (`data[i]`) cuts the path at the last static key; JavaScript built-ins and the action functions
 * are not references.
 */
import { parse, parseExpressionAt, type Node as AcornNode, type Options } from "acorn";

import { isGlobalName } from "./globals";
import { quickReferences } from "./quickScan";
import { Collector } from "./referenceCollector";

export type CodeMode = "expression" | "statements" | "module";

/** A node of the ESTree produced by acorn, read generically. */
export interface EsNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly [key: string]: unknown;
}

export interface Reference {
  /** Dotted path from the root identifier through the static keys read (`Table1.selectedRow`). */
  readonly path: string;
  readonly root: string;
  readonly start: number;
  readonly end: number;
}

export interface Analysis {
  /** References to application data (JavaScript built-ins and action functions left out). */
  readonly references: Reference[];
  /** Every free name read, built-ins included. */
  readonly allReferences: Reference[];
  readonly ast: EsNode;
  /** Source ranges of loop bodies, for the long-running-code guard. */
  readonly loopBodies: EsNode[];
  /** `import()` and `import.meta` cannot be allowed in sandboxed code. */
  readonly usesImport: boolean;
  /** AST positions minus this are positions in the code (non-zero after batch parsing). */
  readonly offset: number;
  /** For a binding that is only a dotted name (`Table1.selectedRow.id`): its parts. */
  readonly simplePath?: readonly string[];
}

/** A binding whose JavaScript does not parse; carries the position for the editor. */
export class BindingSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = "BindingSyntaxError";
  }
}

export interface AnalyseOptions {
  /** Inside a JS object's functions, `this.x` reads the object's member `x`: report it as `<name>.x`. */
  readonly thisEntity?: string;
  /** Treat the top-level functions of the code as the JS object's methods (their `this` is the object). */
  readonly topLevelIsMethod?: boolean;
}

const PARSE_OPTIONS: Options = {
  ecmaVersion: "latest",
  sourceType: "script",
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
};

const TRAILING_TRIVIA = /^(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*$/;

function toSyntaxError(error: unknown): BindingSyntaxError {
  if (error instanceof SyntaxError) {
    const pos = (error as SyntaxError & { pos?: number }).pos ?? 0;
    return new BindingSyntaxError(error.message, pos);
  }
  return new BindingSyntaxError(String(error), 0);
}

/** Parse `code` as one expression (a data binding), statements (an event handler) or a JS object module. */
export function parseCode(code: string, mode: CodeMode): EsNode {
  try {
    if (mode === "statements") return parse(code, PARSE_OPTIONS) as unknown as EsNode;
    if (mode === "module") return parse(code, { ecmaVersion: "latest", sourceType: "module" }) as unknown as EsNode;
    if (code.trim() === "") throw new BindingSyntaxError("empty binding", 0);
    // Parentheses are kept as nodes so that the expression's end is where its source ends.
    const node = parseExpressionAt(code, 0, { ...PARSE_OPTIONS, preserveParens: true }) as AcornNode;
    if (!TRAILING_TRIVIA.test(code.slice(node.end))) {
      throw new BindingSyntaxError(
        `a binding holds one expression; unexpected code at position ${node.end}`,
        node.end,
      );
    }
    return node as unknown as EsNode;
  } catch (error) {
    if (error instanceof BindingSyntaxError) throw error;
    throw toSyntaxError(error);
  }
}

/** Analyses of data bindings (the common case) keyed by the code itself: no key strings to build. */
const expressionAnalyses = new Map<string, Analysis | BindingSyntaxError>();
const otherAnalyses = new Map<string, Analysis | BindingSyntaxError>();

const analyses = {
  get(key: { code: string; other: string | null }): Analysis | BindingSyntaxError | undefined {
    return key.other === null ? expressionAnalyses.get(key.code) : otherAnalyses.get(key.other);
  },
  has(key: { code: string; other: string | null }): boolean {
    return key.other === null ? expressionAnalyses.has(key.code) : otherAnalyses.has(key.other);
  },
  set(key: { code: string; other: string | null }, value: Analysis | BindingSyntaxError): void {
    const map = key.other === null ? expressionAnalyses : otherAnalyses;
    if (map.size >= MAX_CACHED) map.clear();
    map.set(key.other ?? key.code, value);
  },
};
const MAX_CACHED = 50_000;

/** Parse and analyse `code` with the parser only (no fast paths): the reference for tests. */
export function analyseWithParser(code: string, mode: CodeMode, options: AnalyseOptions = {}): Analysis {
  const ast = parseCode(code, mode);
  const collector = new Collector(options);
  collector.run(ast);
  return {
    references: collector.references.filter((r) => !isGlobalName(r.root)),
    allReferences: collector.references,
    ast,
    loopBodies: collector.loopBodies,
    usesImport: collector.usesImport,
    offset: 0,
  };
}

/**
 * Parse and analyse `code`; throws BindingSyntaxError when it does not parse. Results are cached
 * by source: the engine asks about the same binding for dependencies, compilation and evaluation.
 */
export function analyse(code: string, mode: CodeMode, options: AnalyseOptions = {}): Analysis {
  const key = cacheKey(code, mode, options);
  let hit = analyses.get(key);
  if (hit === undefined) {
    try {
      hit = analyseUncached(code, mode, options);
    } catch (error) {
      if (!(error instanceof BindingSyntaxError)) throw error;
      hit = error;
    }
    analyses.set(key, hit);
  }
  if (hit instanceof BindingSyntaxError) throw hit;
  return hit;
}

const SIMPLE_PATH = /^\s*[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*\s*$/;
/** Words that may not start a simple path (`this.x`, `new.target`, `true`). */
const NOT_A_ROOT = new Set([
  "this", "new", "true", "false", "null", "typeof", "void", "delete", "await", "yield", "super", "import",
  "function", "class", "in", "instanceof", "do", "if", "for", "while", "return", "var", "let", "const",
  "switch", "case", "default", "throw", "try", "catch", "finally", "with", "debugger", "export", "extends",
  "else", "break", "continue", "enum", "async",
]);

/** A binding that is a dotted name needs no parser (most bindings of a real page are). */
function simplePathAnalysis(code: string): Analysis | null {
  if (!SIMPLE_PATH.test(code)) return null;
  const parts = code.split(".").map((p) => p.trim());
  const root = parts[0] as string;
  if (NOT_A_ROOT.has(root)) return null;
  const start = code.indexOf(root);
  const ref: Reference = { path: parts.join("."), root, start, end: code.trimEnd().length };
  return {
    references: isGlobalName(root) ? [] : [ref],
    allReferences: [ref],
    ast: { type: "Identifier", start: 0, end: code.length, name: root },
    loopBodies: [],
    usesImport: false,
    offset: 0,
    simplePath: parts,
  };
}

/** The scanner's result as an Analysis (no loops, no imports, nothing declared). */
function quickAnalysis(code: string): Analysis | null {
  const refs = quickReferences(code);
  if (refs === null) return null;
  const all: Reference[] = refs.map((r) => ({ path: r.path, root: r.root, start: r.start, end: r.end }));
  return {
    references: all.filter((r) => !isGlobalName(r.root)),
    allReferences: all,
    ast: { type: "QuickScan", start: 0, end: code.length },
    loopBodies: [],
    usesImport: false,
    offset: 0,
  };
}

function analyseUncached(code: string, mode: CodeMode, options: AnalyseOptions): Analysis {
  if (mode === "expression" && options.thisEntity === undefined && !options.topLevelIsMethod) {
    const simple = simplePathAnalysis(code) ?? quickAnalysis(code);
    if (simple) return simple;
  }
  return analyseWithParser(code, mode, options);
}

function cacheKey(code: string, mode: CodeMode, options: AnalyseOptions): { code: string; other: string | null } {
  if (mode === "expression" && options.thisEntity === undefined && !options.topLevelIsMethod) return { code, other: null };
  return { code, other: `${mode}\u0000${options.thisEntity ?? ""}\u0000${options.topLevelIsMethod ? 1 : 0}\u0000${code}` };
}

/**
 * Analyse many data bindings with one parse (a page load): parsing 3,000 small expressions one by
 * one costs far more than one array of them. Each binding is wrapped in its own parentheses; a
 * binding whose code does not end exactly at its closing parenthesis (it is not one expression, or
 * it breaks out of the wrapper) is left to `analyse`, which reports it alone.
 */
export function primeAnalyses(codes: Iterable<string>): void {
  const pending: string[] = [];
  const seen = new Set<string>();
  for (const code of codes) {
    if (seen.has(code)) continue;
    seen.add(code);
    const key = cacheKey(code, "expression", {});
    if (analyses.has(key) || code.trim() === "") continue;
    // Bindings the fast paths understand are analysed here once, not scanned again when asked for.
    const quick = simplePathAnalysis(code) ?? quickAnalysis(code);
    if (quick) {
      analyses.set(key, quick);
      continue;
    }
    pending.push(code);
  }
  if (pending.length === 0) return;
  const starts: number[] = [];
  let text = "[";
  for (const code of pending) {
    text += "(";
    starts.push(text.length);
    text += code + "\n),\n";
  }
  text += "]";
  let elements: EsNode[];
  try {
    const program = parse(text, { ...PARSE_OPTIONS, preserveParens: true }) as unknown as EsNode;
    const statement = (program["body"] as EsNode[])[0];
    elements = ((statement?.["expression"] as EsNode | undefined)?.["elements"] ?? []) as EsNode[];
  } catch {
    return; // some binding is broken: each is parsed alone when asked for
  }
  if (elements.length !== pending.length) return;
  pending.forEach((code, i) => {
    const paren = elements[i];
    const start = starts[i] as number;
    const inner = paren?.["expression"] as EsNode | undefined;
    // The wrapper's `(` sits just before `start`; its `)` after the code and a newline.
    if (!paren || paren.type !== "ParenthesizedExpression" || !inner || paren.start !== start - 1 || paren.end !== start + code.length + 2) return;
    const collector = new Collector({}, start);
    collector.run(inner);
    analyses.set(cacheKey(code, "expression", {}), {
      references: collector.references.filter((r) => !isGlobalName(r.root)),
      allReferences: collector.references,
      ast: inner,
      loopBodies: collector.loopBodies,
      usesImport: collector.usesImport,
      offset: start,
    });
  });
}

/** The distinct reference paths of `code`, sorted. */
export function extractReferences(code: string, mode: CodeMode = "expression", options: AnalyseOptions = {}): string[] {
  return [...new Set(analyse(code, mode, options).references.map((r) => r.path))].sort();
}
