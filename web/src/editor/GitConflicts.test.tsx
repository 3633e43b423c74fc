import { renderToString } from "react-dom/server";
import { describe, expect, test } from "vitest";

import type { GitConflict, GitPendingMerge } from "./gitApi";
import GitConflicts from "./GitConflicts";

function conflict(name: string, resolution: Record<string, unknown> | null): GitConflict {
  return { id: `widget:Home/${name}`, kind: "widget", page: "Home", name, base: { text: "base" }, mine: { text: `mine ${name}` }, theirs: { text: `theirs ${name}` }, resolution };
}

function render(conflicts: GitConflict[]): string {
  const merge: GitPendingMerge = { kind: "pull", source: "origin/main", ours: "a", theirs: "b", base: "c", conflicts };
  const none = () => undefined;
  return renderToString(<GitConflicts merge={merge} busy={false} onResolve={none} onComplete={none} onAbort={none} />);
}

describe("the conflicts view", () => {
  test("shows each conflicting entity with mine and theirs side by side, differing lines marked", () => {
    const html = render([conflict("Text1", null), conflict("Text2", { choice: "theirs" })]);
    expect(html).toContain('aria-label="Conflict: Widget Text1 on page Home"');
    expect(html).toContain("Mine (this branch)");
    expect(html).toContain("Theirs (incoming)");
    expect(html).toMatch(/class="lc-git-differs">\s*&quot;text&quot;: &quot;mine Text1&quot;/);
    expect(html).toMatch(/class="lc-git-differs">\s*&quot;text&quot;: &quot;theirs Text1&quot;/);
    expect(html).toContain("Not resolved");
    expect(html).toContain("Taking theirs");
    expect(html).toContain("1 of 2 conflicts resolved");
    expect(html).toMatch(/<button type="button" class="lc-ed-primary" disabled="">Complete the merge/);
  });
  test("the merge may complete once every conflict is resolved", () => {
    const html = render([conflict("Text1", { choice: "mine" }), conflict("Text2", { choice: "edit", value: { text: "both" } })]);
    expect(html).toContain("2 of 2 conflicts resolved");
    expect(html).toMatch(/<button type="button" class="lc-ed-primary">Complete the merge/);
    expect(html).toContain('aria-pressed="true">Keep mine');
  });
});
