import { describe, expect, it } from "vitest";

import { tokenizeGraphql, variablesProblem } from "./graphqlSyntax";

describe("GraphQL in the query form", () => {
  it("highlights keywords, variables, types, fields, strings, comments and bindings", () => {
    const tokens = tokenizeGraphql('# orders\nquery Orders($status: String!) { orders(status: $status, note: "a b") { id } } {{x}}');
    const kinds = (kind: string) => tokens.filter((t) => t.kind === kind).map((t) => t.text);
    expect(kinds("comment")).toEqual(["# orders"]);
    expect(kinds("keyword")).toEqual(["query"]);
    expect(kinds("variableName")).toEqual(["$status", "$status"]);
    expect(kinds("typeName")).toEqual(["Orders", "String"]);
    expect(kinds("propertyName")).toEqual(["orders", "status", "note", "id"]);
    expect(kinds("string")).toEqual(['"a b"']);
    expect(kinds("meta")).toEqual(["{{x}}"]);
  });

  it("does not take a field that starts like a keyword for one", () => {
    expect(tokenizeGraphql("{ onHand queryCount }").filter((t) => t.kind === "keyword")).toEqual([]);
  });

  it("accepts variables as a JSON object holding bindings", () => {
    expect(variablesProblem('{"id": {{Table1.selectedRow.id}}, "name": "x"}')).toBeNull();
    expect(variablesProblem("")).toBeNull();
  });

  it("explains variables that are not a JSON object", () => {
    expect(variablesProblem('{"id": }')).toMatch(/not valid JSON/);
    expect(variablesProblem("[1, 2]")).toMatch(/JSON object/);
  });
});
