/**
 * The walk behind `references.ts`: visits an acorn tree with its scopes (functions, blocks,
 * catch clauses, hoisted `var` and function names) and collects every free root identifier with
 * the static property path read from it, the loop bodies (for the loop guard) and whether the code
 * uses `import`.
 */
import type { AnalyseOptions, EsNode, Reference } from "./references";

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

export class Collector {
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
