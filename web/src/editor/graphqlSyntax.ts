/**
 * GraphQL for the query form: token rules (the code editor highlights with them) and a check of
 * the variables, which are JSON that may hold `{{ }}` bindings.
 */
import { splitSegments } from "../engine/segments";

export type GraphqlTokenKind = "comment" | "string" | "keyword" | "variableName" | "typeName" | "number" | "propertyName" | "punctuation" | "meta";

const KEYWORDS = "query|mutation|subscription|fragment|on|true|false|null|type|input|enum|schema|extend|implements|interface|union|scalar|directive|repeatable";

/** Tried in order at each position; the first that matches gives the token. */
export const GRAPHQL_RULES: readonly (readonly [RegExp, GraphqlTokenKind])[] = [
  [/^#.*/, "comment"],
  [/^"""[\s\S]*?(?:"""|$)/, "string"],
  [/^"(?:[^"\\]|\\.)*"?/, "string"],
  [/^\{\{[\s\S]*?(?:\}\}|$)/, "meta"],
  [new RegExp(`^(?:${KEYWORDS})(?![\\w])`), "keyword"],
  [/^\$[A-Za-z_]\w*/, "variableName"],
  [/^@[A-Za-z_]\w*/, "meta"],
  [/^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, "number"],
  [/^[A-Z]\w*/, "typeName"],
  [/^[A-Za-z_]\w*/, "propertyName"],
  [/^(?:\.\.\.|[{}()[\]:!=|&,])/, "punctuation"],
];

/** The tokens of a GraphQL document (whitespace and unknown characters left out). */
export function tokenizeGraphql(text: string): { text: string; kind: GraphqlTokenKind }[] {
  const out: { text: string; kind: GraphqlTokenKind }[] = [];
  let rest = text;
  while (rest.length > 0) {
    const hit = GRAPHQL_RULES.map(([re, kind]) => [re.exec(rest), kind] as const).find(([m]) => m !== null && m[0].length > 0);
    if (hit && hit[0]) {
      out.push({ text: hit[0][0], kind: hit[1] });
      rest = rest.slice(hit[0][0].length);
    } else {
      rest = rest.slice(1);
    }
  }
  return out;
}

/**
 * What is wrong with the variables, or null: they must be a JSON object once each `{{ }}` stands
 * for a value (the server puts the evaluated values there).
 */
export function variablesProblem(text: string): string | null {
  if (text.trim() === "") return null;
  const standIn = splitSegments(text)
    .map((s) => (s.isBinding ? "null" : s.source))
    .join("");
  try {
    const value = JSON.parse(standIn) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? null : "Variables must be a JSON object, such as {\"id\": {{Table1.selectedRow.id}}}.";
  } catch (e) {
    return `Variables are not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
}
