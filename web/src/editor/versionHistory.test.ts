import { describe, expect, test } from "vitest";

import { countsText, fieldChanges, groupChanges, versionTitle, versionViewHref, type EntityChange } from "./versionHistory";

const change = (over: Partial<EntityChange>): EntityChange => ({
  kind: "widget", name: "Text1", change: "changed", page: "Page1", before: null, after: null, fields: [], ...over,
});

describe("version history", () => {
  test("titles say which version a restore brought back", () => {
    expect(versionTitle({ number: 2, kind: "publish", restoredFrom: null })).toBe("Version 2");
    expect(versionTitle({ number: 4, kind: "restore", restoredFrom: 1 })).toBe("Version 4 (restored 1)");
  });

  test("a version's viewer address is under the app's id", () => {
    expect(versionViewHref("a 1", "v7")).toBe("/app/a%201/versions/v7");
  });

  test("counts read as a sentence, kinds in a fixed order", () => {
    expect(countsText({})).toBe("No changes");
    expect(countsText({ query: { added: 0, removed: 0, changed: 1 }, widget: { added: 2, removed: 0, changed: 1 } })).toBe(
      "1 widget changed, 2 widgets added, 1 query changed",
    );
  });

  test("changes are grouped: application first, then each page", () => {
    const groups = groupChanges([
      change({ name: "Text1" }),
      change({ kind: "query", name: "getRows", page: "Orders" }),
      change({ kind: "settings", name: "theme", page: null }),
      change({ kind: "page", name: "Orders", page: null, change: "added" }),
    ]);
    expect(groups.map((g) => [g.title, g.changes.map((c) => c.name)])).toEqual([
      ["Application", ["theme"]],
      ["Page1", ["Text1"]],
      ["Orders", ["getRows", "Orders"]],
    ]);
  });

  test("a changed entity lists each differing field before and after", () => {
    const rows = fieldChanges(change({ before: { text: "Hello v1", topRow: 0 }, after: { text: "Hello v2", topRow: 0 }, fields: ["text"] }));
    expect(rows).toEqual([{ field: "text", before: "Hello v1", after: "Hello v2" }]);
    expect(fieldChanges(change({ change: "added", after: { text: "x" } }))).toEqual([]);
    const theme = fieldChanges(change({ kind: "settings", name: "theme", before: {}, after: { primaryColor: "#f00" } }));
    expect(theme[0]?.after).toContain('"primaryColor": "#f00"');
  });
});
