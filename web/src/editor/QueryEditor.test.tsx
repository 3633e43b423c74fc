import { renderToString } from "react-dom/server";
import { describe, expect, test } from "vitest";

import type { ActionRecord, ConnectorInfo } from "./editorApi";
import QueryEditor from "./QueryEditor";

const postgres = { type: "postgres", displayName: "PostgreSQL", querySchema: { properties: { sql: { type: "string" } } } } as unknown as ConnectorInfo;
const rest = { type: "rest", displayName: "REST API", querySchema: { properties: { url: { type: "string" } } } } as unknown as ConnectorInfo;

function editor(connector: ConnectorInfo, preparedStatements: boolean): string {
  const action: ActionRecord = {
    id: "a1",
    pageId: "p1",
    name: "addRows",
    datasourceId: "d1",
    connector: connector.type,
    config: { sql: "insert into t values {{rows}}" },
    settings: { runOnPageLoad: false, confirmBeforeRun: false, timeoutMs: 10000, preparedStatements, cacheSeconds: 0 },
  };
  const none = () => undefined;
  return renderToString(
    <QueryEditor
      action={action}
      connector={connector}
      datasource={undefined}
      tables={[]}
      execution={undefined}
      running={false}
      complete={() => null}
      onChange={none}
      onRun={none}
      environment="production"
      onEnvironment={none}
      onRename={none}
      onShowInTable={none}
      onDelete={none}
    />,
  );
}

describe("the query editor on prepared statements", () => {
  test("warns of SQL injection on a SQL query whose prepared statements are off", () => {
    const html = editor(postgres, false);
    expect(html).toContain('aria-label="SQL injection risk"');
    expect(html).toContain("Prepared statements are off: SQL injection risk.");
    expect(html).toContain("turn prepared statements on");
  });

  test("says nothing while they are on, the default, or where the query is not SQL", () => {
    expect(editor(postgres, true)).not.toContain("SQL injection risk");
    expect(editor(rest, false)).not.toContain("SQL injection risk");
  });
});
