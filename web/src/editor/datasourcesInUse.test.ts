import { describe, expect, it } from "vitest";

import { datasourcesInUse } from "./datasourcesInUse";

describe("datasources in use", () => {
  it("separates the datasources the app's queries use from the rest of the workspace's", () => {
    const ds = [{ id: "pg" }, { id: "api" }, { id: "mysql" }];
    const { inUse, others } = datasourcesInUse(ds, [{ datasourceId: "pg" }, { datasourceId: "pg" }, { datasourceId: "mysql" }]);
    expect(inUse).toEqual([
      { datasource: { id: "pg" }, queries: 2 },
      { datasource: { id: "mysql" }, queries: 1 },
    ]);
    expect(others).toEqual([{ id: "api" }]);
  });
});
