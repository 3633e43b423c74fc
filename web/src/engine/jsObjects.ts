/**
 * Reading a JS object's body (`export default { count: 0, inc() { ... } }`): its members, what
 * each reads, and the exported object's position for compilation. Code around the export
 * (helper functions, constants) belongs to the object and is visible to every member.
 */
import { analyse, BindingSyntaxError, type Analysis, type EsNode, type Reference } from "./references";

export interface JsMember {
  readonly name: string;
  readonly kind: "variable" | "function";
  /** References inside this member's value (`this.x` reported as `<object>.x`). */
  readonly references: readonly Reference[];
}

export interface JsObjectAnalysis {
  readonly members: readonly JsMember[];
  /** References in code outside the members (module-level helpers, computed keys): read at load. */
  readonly moduleReferences: readonly Reference[];
  readonly analysis: Analysis;
  /** Range of the `export default` keywords, replaced by `return` when compiled. */
  readonly exportStart: number;
  readonly declarationStart: number;
}

const FUNCTION_TYPES = new Set(["FunctionExpression", "ArrowFunctionExpression"]);

function keyName(prop: EsNode): string | null {
  if (prop["computed"]) return null;
  const key = prop["key"] as EsNode;
  if (key.type === "Identifier") return key["name"] as string;
  if (key.type === "Literal") return String(key["value"]);
  return null;
}

/** Analyse a JS object named `object`; throws BindingSyntaxError on a malformed body. */
export function analyseJsObject(body: string, object: string): JsObjectAnalysis {
  const analysis = analyse(body, "module", { thisEntity: object });
  const program = analysis.ast;
  const exported = (program["body"] as EsNode[]).find((s) => s.type === "ExportDefaultDeclaration");
  const declaration = exported?.["declaration"] as EsNode | undefined;
  if (!exported || !declaration || declaration.type !== "ObjectExpression") {
    throw new BindingSyntaxError("a JS object must be `export default { ... }`", exported?.start ?? 0);
  }
  if ((program["body"] as EsNode[]).some((s) => s.type === "ExportNamedDeclaration" || s.type === "ExportAllDeclaration")) {
    throw new BindingSyntaxError("a JS object exports only its default object", 0);
  }
  const ranges: { name: string; kind: JsMember["kind"]; start: number; end: number }[] = [];
  for (const prop of declaration["properties"] as EsNode[]) {
    if (prop.type !== "Property") continue;
    const name = keyName(prop);
    if (name === null) continue;
    const value = prop["value"] as EsNode;
    const isFunction = prop["method"] === true || prop["kind"] !== "init" || FUNCTION_TYPES.has(value.type);
    ranges.push({ name, kind: isFunction ? "function" : "variable", start: value.start, end: value.end });
  }
  const members = ranges.map((r) => ({
    name: r.name,
    kind: r.kind,
    references: analysis.references.filter((ref) => ref.start >= r.start && ref.end <= r.end),
  }));
  const moduleReferences = analysis.references.filter((ref) => !ranges.some((r) => ref.start >= r.start && ref.end <= r.end));
  return { members, moduleReferences, analysis, exportStart: exported.start, declarationStart: declaration.start };
}
