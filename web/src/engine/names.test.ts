import { describe, expect, it } from "vitest";
import { entityNameProblem, OBJECT_PROTOTYPE_MEMBERS } from "./names";

describe("entity names", () => {
  it("refuses every member of Object.prototype, as this engine has them", () => {
    const members = Object.getOwnPropertyNames(Object.prototype);
    expect(new Set(members)).toEqual(OBJECT_PROTOTYPE_MEMBERS);
    for (const name of members) expect(entityNameProblem(name), name).toMatch(/every JavaScript object has/);
  });

  it("refuses reserved words, globals and what is not an identifier", () => {
    expect(entityNameProblem("class")).toMatch(/reserved word/);
    expect(entityNameProblem("Math")).toMatch(/used by the runtime/);
    expect(entityNameProblem("appsmith")).toMatch(/used by the runtime/);
    expect(entityNameProblem("showAlert")).toMatch(/used by the runtime/);
    expect(entityNameProblem("1Table")).toMatch(/not a valid name/);
    expect(entityNameProblem("")).toMatch(/required/);
  });

  it("accepts ordinary names, including ones that merely contain a prototype member", () => {
    for (const name of ["Table1", "getOrders", "Utils", "toStringHelper", "proto", "$value"]) {
      expect(entityNameProblem(name), name).toBeNull();
    }
  });
});
