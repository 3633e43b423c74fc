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

class Scope {
  readonly names = new Set<string>();
  constructor(
    readonly parent: Scope | null,
    readonly isFunction: boolean,
  ) {}

  has(name: string): boolean {
    for (let s: Scope | null = this; s !== null; s = s.parent) if (s.names.has(name)) return true;
    return false;
  }
}

function isNode(value: unknown): value is EsNode {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

function children(node: EsNode): EsNode[] {
  const out: EsNode[] = [];
  for (const key in node) {
    if (key === "type" || key === "start" || key === "end" || key === "loc" || key === "range") continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) out.push(item);
    } else if (isNode(value)) out.push(value);
  }
  return out;
}

/** Names bound by a declaration pattern (`{a, b: [c], ...d} = ...`). */
function patternNames(pattern: EsNode, into: Set<string>): void {
  switch (pattern.type) {
    case "Identifier":
      into.add(pattern["name"] as string);
      return;
    case "ObjectPattern":
      for (const prop of pattern["properties"] as EsNode[]) {
        patternNames(prop.type === "RestElement" ? (prop["argument"] as EsNode) : (prop["value"] as EsNode), into);
      }
      return;
    case "ArrayPattern":
      for (const el of pattern["elements"] as (EsNode | null)[]) if (el) patternNames(el, into);
      return;
    case "RestElement":
      patternNames(pattern["argument"] as EsNode, into);
      return;
    case "AssignmentPattern":
      patternNames(pattern["left"] as EsNode, into);
      return;
    default:
      return;
  }
}

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
const LOOP_TYPES = new Set(["WhileStatement", "DoWhileStatement", "ForStatement", "ForInStatement", "ForOfStatement"]);

/** `var` names and function declarations hoisted to the function whose body is `node`. */
function hoistedNames(node: EsNode, into: Set<string>, top = true): void {
  if (!top && FUNCTION_TYPES.has(node.type)) {
    if (node.type === "FunctionDeclaration" && node["id"]) into.add((node["id"] as EsNode)["name"] as string);
    return;
  }
  if (node.type === "VariableDeclaration" && node["kind"] === "var") {
    for (const d of node["declarations"] as EsNode[]) patternNames(d["id"] as EsNode, into);
  }
  for (const child of children(node)) hoistedNames(child, into, false);
}

/** let/const/class/function declared directly in a block's statement list. */
function blockNames(statements: EsNode[], into: Set<string>): void {
  for (const st of statements) {
    if (st.type === "VariableDeclaration" && st["kind"] !== "var") {
      for (const d of st["declarations"] as EsNode[]) patternNames(d["id"] as EsNode, into);
    } else if ((st.type === "ClassDeclaration" || st.type === "FunctionDeclaration") && st["id"]) {
      into.add((st["id"] as EsNode)["name"] as string);
    }
  }
}

class Collector {
  readonly references: Reference[] = [];
  readonly loopBodies: EsNode[] = [];
  usesImport = false;

  constructor(
    private readonly options: AnalyseOptions,
    /** Where the analysed code starts in the text that was parsed (batch parsing). */
    private readonly offset = 0,
  ) {}

  run(ast: EsNode): void {
    const scope = new Scope(null, true);
    if (ast.type === "Program") {
      hoistedNames(ast, scope.names);
      blockNames(ast["body"] as EsNode[], scope.names);
      for (const st of ast["body"] as EsNode[]) this.visit(st, scope, this.options.topLevelIsMethod === true);
    } else {
      this.visit(ast, scope, this.options.topLevelIsMethod === true);
    }
  }

  /** `thisIsEntity`: whether `this` here is the JS object (inside its methods and their arrows). */
  private visit(node: EsNode, scope: Scope, thisIsEntity: boolean): void {
    switch (node.type) {
      case "Identifier":
        this.reference(node, node["name"] as string, [], scope, node.end);
        return;
      case "ThisExpression":
        return;
      case "MemberExpression":
        this.member(node, scope, thisIsEntity);
        return;
      case "ChainExpression":
        this.visit(node["expression"] as EsNode, scope, thisIsEntity);
        return;
      case "ImportExpression":
        this.usesImport = true;
        break;
      case "ImportDeclaration":
        this.usesImport = true;
        return;
      case "ExportDefaultDeclaration": {
        const declaration = node["declaration"] as EsNode;
        if (declaration.type !== "ObjectExpression") break;
        // The exported object's members are the JS object's methods: `this` is the object there.
        for (const prop of declaration["properties"] as EsNode[]) {
          if (prop.type !== "Property") {
            this.visit(prop, scope, false);
            continue;
          }
          if (prop["computed"]) this.visit(prop["key"] as EsNode, scope, false);
          this.visit(prop["value"] as EsNode, scope, this.options.thisEntity !== undefined);
        }
        return;
      }
      case "MetaProperty":
        if ((node["meta"] as EsNode)["name"] === "import") this.usesImport = true;
        return;
      case "Property":
      case "PropertyDefinition":
      case "MethodDefinition":
        if (node["computed"]) this.visit(node["key"] as EsNode, scope, thisIsEntity);
        if (node["value"]) this.visit(node["value"] as EsNode, scope, thisIsEntity);
        return;
      case "LabeledStatement":
        this.visit(node["body"] as EsNode, scope, thisIsEntity);
        return;
      case "BreakStatement":
      case "ContinueStatement":
        return;
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        this.func(node, scope, thisIsEntity);
        return;
      case "ClassDeclaration":
      case "ClassExpression": {
        const inner = new Scope(scope, false);
        if (node["id"]) inner.names.add((node["id"] as EsNode)["name"] as string);
        if (node["superClass"]) this.visit(node["superClass"] as EsNode, inner, thisIsEntity);
        this.visit(node["body"] as EsNode, inner, false);
        return;
      }
      case "BlockStatement":
      case "StaticBlock": {
        const inner = new Scope(scope, false);
        blockNames(node["body"] as EsNode[], inner.names);
        for (const st of node["body"] as EsNode[]) this.visit(st, inner, thisIsEntity);
        return;
      }
      case "SwitchStatement": {
        this.visit(node["discriminant"] as EsNode, scope, thisIsEntity);
        const inner = new Scope(scope, false);
        const cases = node["cases"] as EsNode[];
        for (const c of cases) blockNames(c["consequent"] as EsNode[], inner.names);
        for (const c of cases) {
          if (c["test"]) this.visit(c["test"] as EsNode, inner, thisIsEntity);
          for (const st of c["consequent"] as EsNode[]) this.visit(st, inner, thisIsEntity);
        }
        return;
      }
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement": {
        const inner = new Scope(scope, false);
        const head = (node["init"] ?? node["left"]) as EsNode | null;
        if (head && head.type === "VariableDeclaration" && head["kind"] !== "var") {
          for (const d of head["declarations"] as EsNode[]) patternNames(d["id"] as EsNode, inner.names);
        }
        this.loopBodies.push(node["body"] as EsNode);
        for (const child of children(node)) this.visit(child, inner, thisIsEntity);
        return;
      }
      case "CatchClause": {
        const inner = new Scope(scope, false);
        if (node["param"]) {
          patternNames(node["param"] as EsNode, inner.names);
          this.pattern(node["param"] as EsNode, inner, thisIsEntity);
        }
        this.visit(node["body"] as EsNode, inner, thisIsEntity);
        return;
      }
      case "VariableDeclarator":
        this.pattern(node["id"] as EsNode, scope, thisIsEntity);
        if (node["init"]) this.visit(node["init"] as EsNode, scope, thisIsEntity);
        return;
      case "AssignmentExpression":
        this.assignTarget(node["left"] as EsNode, scope, thisIsEntity);
        this.visit(node["right"] as EsNode, scope, thisIsEntity);
        return;
      default:
        break;
    }
    if (LOOP_TYPES.has(node.type)) this.loopBodies.push(node["body"] as EsNode);
    for (const child of children(node)) this.visit(child, scope, thisIsEntity);
  }

  /** Default values and computed keys inside a declaration pattern are read; its names are not. */
  private pattern(node: EsNode, scope: Scope, thisIsEntity: boolean): void {
    switch (node.type) {
      case "ObjectPattern":
        for (const prop of node["properties"] as EsNode[]) {
          if (prop.type === "RestElement") this.pattern(prop["argument"] as EsNode, scope, thisIsEntity);
          else {
            if (prop["computed"]) this.visit(prop["key"] as EsNode, scope, thisIsEntity);
            this.pattern(prop["value"] as EsNode, scope, thisIsEntity);
          }
        }
        return;
      case "ArrayPattern":
        for (const el of node["elements"] as (EsNode | null)[]) if (el) this.pattern(el, scope, thisIsEntity);
        return;
      case "RestElement":
        this.pattern(node["argument"] as EsNode, scope, thisIsEntity);
        return;
      case "AssignmentPattern":
        this.pattern(node["left"] as EsNode, scope, thisIsEntity);
        this.visit(node["right"] as EsNode, scope, thisIsEntity);
        return;
      default:
        return;
    }
  }

  /** An assignment's target: a plain name or member is written (and so referenced); patterns too. */
  private assignTarget(node: EsNode, scope: Scope, thisIsEntity: boolean): void {
    if (node.type === "ObjectPattern" || node.type === "ArrayPattern") {
      const walk = (n: EsNode): void => {
        switch (n.type) {
          case "ObjectPattern":
            for (const p of n["properties"] as EsNode[]) {
              if (p.type === "RestElement") walk(p["argument"] as EsNode);
              else {
                if (p["computed"]) this.visit(p["key"] as EsNode, scope, thisIsEntity);
                walk(p["value"] as EsNode);
              }
            }
            return;
          case "ArrayPattern":
            for (const el of n["elements"] as (EsNode | null)[]) if (el) walk(el);
            return;
          case "RestElement":
            walk(n["argument"] as EsNode);
            return;
          case "AssignmentPattern":
            walk(n["left"] as EsNode);
            this.visit(n["right"] as EsNode, scope, thisIsEntity);
            return;
          default:
            this.visit(n, scope, thisIsEntity);
        }
      };
      walk(node);
      return;
    }
    this.visit(node, scope, thisIsEntity);
  }

  private func(node: EsNode, scope: Scope, thisIsEntity: boolean): void {
    const isArrow = node.type === "ArrowFunctionExpression";
    // A named function expression sees its own name; a declaration's name lives in the outer scope.
    let outer = scope;
    if (node.type === "FunctionExpression" && node["id"]) {
      outer = new Scope(scope, false);
      outer.names.add((node["id"] as EsNode)["name"] as string);
    }
    const inner = new Scope(outer, true);
    const params = node["params"] as EsNode[];
    for (const p of params) patternNames(p, inner.names);
    const body = node["body"] as EsNode;
    if (body.type === "BlockStatement") {
      hoistedNames(body, inner.names);
      blockNames(body["body"] as EsNode[], inner.names);
    }
    // `this` inside a JS object's method is the object; a nested non-arrow function rebinds it.
    const innerThis = isArrow ? thisIsEntity : this.methodDepth === 0 && thisIsEntity;
    this.methodDepth += isArrow ? 0 : 1;
    for (const p of params) this.pattern(p, inner, innerThis);
    if (body.type === "BlockStatement") {
      for (const st of body["body"] as EsNode[]) this.visit(st, inner, innerThis);
    } else this.visit(body, inner, innerThis);
    this.methodDepth -= isArrow ? 0 : 1;
  }

  private methodDepth = 0;

  private member(node: EsNode, scope: Scope, thisIsEntity: boolean): void {
    // Walk down to the root, remembering the chain of member nodes from the outside in.
    const chain: EsNode[] = [];
    let cur: EsNode = node;
    for (;;) {
      if (cur.type === "MemberExpression") {
        chain.push(cur);
        cur = cur["object"] as EsNode;
      } else if (cur.type === "ChainExpression" || cur.type === "ParenthesizedExpression") {
        cur = cur["expression"] as EsNode;
      } else break;
    }
    chain.reverse(); // innermost (closest to the root) first
    const keys: string[] = [];
    let cut = false;
    let end = cur.end;
    for (const m of chain) {
      if (!cut) {
        const key = staticKey(m);
        if (key === null) cut = true;
        else {
          keys.push(key);
          end = m.end;
        }
      }
      if (m["computed"]) this.visit(m["property"] as EsNode, scope, thisIsEntity);
    }
    if (cur.type === "Identifier") {
      this.reference(cur, cur["name"] as string, keys, scope, end);
    } else if (cur.type === "ThisExpression") {
      if (thisIsEntity && this.options.thisEntity !== undefined && keys.length > 0) {
        this.push(this.options.thisEntity, keys, cur.start, end);
      }
    } else {
      this.visit(cur, scope, thisIsEntity);
    }
  }

  private reference(node: EsNode, name: string, keys: string[], scope: Scope, end: number): void {
    if (scope.has(name)) return;
    this.push(name, keys, node.start, end);
  }

  private push(root: string, keys: string[], start: number, end: number): void {
    this.references.push({ path: [root, ...keys].join("."), root, start: start - this.offset, end: end - this.offset });
  }
}

/** A member's key when it is a plain name or string literal: `a.b`, `a["b"]`; null for `a[i]`, `a[0]`, a template. */
function staticKey(member: EsNode): string | null {
  const property = member["property"] as EsNode;
  if (!member["computed"]) {
    return property.type === "Identifier" ? (property["name"] as string) : null;
  }
  if (property.type === "Literal" && typeof property["value"] === "string") return property["value"];
  return null;
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
