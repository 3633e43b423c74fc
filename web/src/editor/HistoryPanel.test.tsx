import { renderToString } from "react-dom/server";
import { describe, expect, test } from "vitest";

import { ComparisonView, VersionRows } from "./HistoryPanel";
import type { VersionComparison, VersionSummary } from "./versionHistory";

const version = (over: Partial<VersionSummary>): VersionSummary => ({
  id: "v1", number: 1, kind: "publish", message: null, restoredFrom: null, author: "Ada Admin",
  authorEmail: "ada@example.com", createdAt: "2026-12-06T21:00:00+00:00", isPublished: false, ...over,
});

describe("History panel", () => {
  test("each version shows who, why, whether it is published, and links to its viewer", () => {
    const html = renderToString(
      <VersionRows
        appId="app1"
        versions={[version({ id: "v2", number: 2, message: "Second cut", isPublished: true }), version({ id: "v3", number: 3, kind: "restore", restoredFrom: 1 })]}
        onRestore={() => undefined}
      />,
    );
    expect(html).toContain("Version 2");
    expect(html).toContain("Second cut");
    expect(html).toContain("Published");
    expect(html).toContain("Ada Admin");
    expect(html).toContain('href="/app/app1/versions/v2"');
    expect(html).toContain("Version 3 (restored 1)");
    expect(html.match(/Restore…/g)).toHaveLength(2);
  });

  test("a comparison shows each changed entity with its values before and after", () => {
    const comparison: VersionComparison = {
      before: version({}),
      after: null,
      counts: { widget: { added: 1, removed: 0, changed: 1 } },
      changes: [
        { kind: "widget", name: "Text1", change: "changed", page: "Page1", before: { text: "Hello v1" }, after: { text: "Hello v2" }, fields: ["text"] },
        { kind: "widget", name: "Button1", change: "added", page: "Page1", before: null, after: { text: "Go" }, fields: [] },
      ],
    };
    const html = renderToString(<ComparisonView comparison={comparison} />);
    expect(html).toContain("From Version 1 to the edit state");
    expect(html).toContain("1 widget changed, 1 widget added");
    expect(html).toContain("Hello v1");
    expect(html).toContain("Hello v2");
    expect(html).toContain('data-entity="widget:Button1"');
  });
});
