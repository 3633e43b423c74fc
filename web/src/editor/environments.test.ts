import { describe, expect, it } from "vitest";

import { environmentsOf, MASK, saveBody, testPlan } from "./environments";

describe("datasource environments", () => {
  it("always has production, and staging or development only when stored", () => {
    expect(environmentsOf({})).toEqual(["production"]);
    expect(environmentsOf({ development: {}, production: {} })).toEqual(["production", "development"]);
  });

  it("saves every kept environment and removes the stored ones the developer dropped", () => {
    const stored = { production: { host: "db" }, staging: { host: "stage" } };
    const edited = { production: { host: "db", password: MASK }, staging: { host: "stage" }, development: { host: "localhost" } };
    expect(saveBody(stored, edited, ["production", "development"])).toEqual({
      configs: { production: { host: "db", password: MASK }, development: { host: "localhost" } },
      removeEnvironments: ["staging"],
    });
  });

  it("tests the stored values when nothing changed, so a masked secret is never sent as the password", () => {
    const stored = { host: "db", auth: { password: MASK } };
    expect(testPlan(stored, { auth: { password: MASK }, host: "db" }, ["auth.password"])).toBe("stored");
  });

  it("tests the values on screen once every secret is typed in", () => {
    expect(testPlan({ host: "db", password: MASK }, { host: "db2", password: "s3cret" }, ["password"])).toBe("unsaved");
    expect(testPlan(undefined, { host: "new" }, ["password"])).toBe("unsaved");
  });

  it("asks to save first when changed values still hold a masked secret", () => {
    expect(testPlan({ host: "db", password: MASK }, { host: "db2", password: MASK }, ["password"])).toBe("save-first");
  });
});
