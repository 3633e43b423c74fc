import { describe, expect, it } from "vitest";

import { appendOnce } from "./pageCommands";

describe("adding a query or JS object just made to the editor's list", () => {
  it("appends it at the end", () => {
    expect(appendOnce([{ id: "a" }], [{ id: "b" }])).toEqual([{ id: "a" }, { id: "b" }]);
  });

  it("keeps one entry when the server's notice already reloaded the list with it", () => {
    const reloaded = [{ id: "a", name: "old" }, { id: "b", name: "stale" }];
    expect(appendOnce(reloaded, [{ id: "b", name: "made" }])).toEqual([{ id: "a", name: "old" }, { id: "b", name: "made" }]);
  });
});
