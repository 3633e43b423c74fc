/** Workflows and the requests inbox from user code: the global functions, their API requests. */
import { describe, expect, test } from "vitest";

import { Engine } from "../engine/engine";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";
import { WIDGET_DERIVED } from "../widgets/derived";
import { runServerCall, workflowIds } from "./serverCalls";

function load(host: RecordingHost) {
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests: loadManifests(), host });
  engine.load(
    page(
      [widget("Text1", "TEXT_WIDGET", { text: "{{Flows.inData()}}" })],
      [],
      [{ name: "Flows", body: "export default { async go() { return triggerWorkflow('Approve', { amount: 5, f: () => 1 }) }, async later() { return triggerWorkflow('Approve', {}, { wait: false }) }, inData() { return triggerWorkflow('Approve') } }" }],
    ),
  );
  return engine;
}

describe("the workflow functions in the engine", () => {
  test("triggerWorkflow goes to the main thread with plain data and waits by default", async () => {
    const host = new RecordingHost();
    host.serverAnswer = () => ({ ok: true, data: { approved: true } });
    const engine = load(host);
    await expect(engine.runJsFunction("Flows", "go")).resolves.toEqual({ approved: true });
    await engine.runJsFunction("Flows", "later");
    expect(host.serverCalls).toEqual([
      { kind: "triggerWorkflow", workflow: "Approve", data: { amount: 5 }, wait: true },
      { kind: "triggerWorkflow", workflow: "Approve", data: {}, wait: false },
    ]);
  });

  test("a refusal rejects the promise with the server's message", async () => {
    const host = new RecordingHost();
    host.serverAnswer = () => ({ ok: false, data: undefined, error: "Only the people the request is assigned to may resolve it." });
    const engine = load(host);
    await engine.runHandler("{{ resolveWorkflowRequest('r1', 'approve').catch((e) => storeValue('why', e.message)) }}", "test");
    expect(engine.get("appsmith.store.why")).toBe("Only the people the request is assigned to may resolve it.");
    expect(host.serverCalls).toEqual([{ kind: "resolveWorkflowRequest", requestId: "r1", resolution: "approve", note: undefined }]);
  });

  test("a data binding cannot start a workflow", () => {
    const host = new RecordingHost();
    const engine = load(host);
    expect(engine.errorsOf("Text1.text")[0]?.message).toContain("triggerWorkflow() can only be called");
    expect(host.serverCalls).toEqual([]);
  });
});

function server(answers: Record<string, unknown>, seen: { url: string; init: RequestInit | undefined }[]): typeof fetch {
  return (async (url: string, init?: RequestInit) => {
    seen.push({ url, init });
    const key = `${init?.method ?? "GET"} ${url.split("?")[0]}`;
    const [status, body] = (answers[key] ?? [404, { error: { code: "not_found", message: "no" } }]) as [number, unknown];
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
}

describe("runServerCall", () => {
  const context = { applicationId: "app1", mode: "view" as const, workflows: { Approve: "wf1" } };

  test("trigger and wait resolves with the run's output; without waiting, with its id", async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = [];
    const fetcher = server({ "POST /api/v1/applications/app1/workflows/wf1/runs": [201, { id: "r9", status: "succeeded", output: { ok: 1 } }] }, seen);
    await expect(runServerCall({ kind: "triggerWorkflow", workflow: "Approve", data: { a: 1 }, wait: true }, context, fetcher))
      .resolves.toEqual({ ok: true, data: { ok: 1 } });
    await expect(runServerCall({ kind: "triggerWorkflow", workflow: "Approve", data: {}, wait: false }, context, fetcher))
      .resolves.toEqual({ ok: true, data: "r9" });
    expect(JSON.parse(String(seen[0]?.init?.body))).toEqual({ data: { a: 1 }, mode: "view", waitSeconds: 60 });
    expect(JSON.parse(String(seen[1]?.init?.body))).toEqual({ data: {}, mode: "view", waitSeconds: 0 });
    expect((seen[0]?.init?.headers as Record<string, string>)["X-Requested-By"]).toBe("lowcraft");
  });

  test("a failed run and a refused request become ok: false with the message", async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = [];
    const fetcher = server({
      "POST /api/v1/applications/app1/workflows/wf1/runs": [201, { id: "r9", status: "failed", error: { message: "relation missing", stepName: "getOrders" } }],
      "POST /api/v1/applications/app1/workflows/requests/q1/resolve": [403, { error: { code: "not_an_assignee", message: "Not an assignee." } }],
    }, seen);
    await expect(runServerCall({ kind: "triggerWorkflow", workflow: "Approve", data: {}, wait: true }, context, fetcher))
      .resolves.toEqual({ ok: false, data: undefined, error: "getOrders: relation missing" });
    await expect(runServerCall({ kind: "triggerWorkflow", workflow: "Nope", data: {}, wait: true }, context, fetcher))
      .resolves.toEqual({ ok: false, data: undefined, error: "This app has no workflow named Nope" });
    await expect(runServerCall({ kind: "resolveWorkflowRequest", requestId: "q1", resolution: "approve" }, context, fetcher))
      .resolves.toEqual({ ok: false, data: undefined, error: "Not an assignee." });
  });

  test("the inbox lists the requests of this app assigned to the caller", async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = [];
    const fetcher = server({ "GET /api/v1/applications/app1/workflows/requests": [200, { requests: [{ id: "q1" }] }] }, seen);
    await expect(runServerCall({ kind: "getWorkflowRequests" }, context, fetcher)).resolves.toEqual({ ok: true, data: [{ id: "q1" }] });
    expect(seen[0]?.url).toBe("/api/v1/applications/app1/workflows/requests?mine=true");
  });

  test("workflows are found by name, the current page's first, and only JS objects with executeWorkflow", () => {
    const flow = "export default { async executeWorkflow(data) { return data } }";
    expect(workflowIds([
      { id: "a", name: "Approve", body: flow, pageId: "p2" },
      { id: "b", name: "Approve", body: flow, pageId: "p1" },
      { id: "c", name: "Utils", body: "export default { f() {} }", pageId: "p1" },
    ], "p1")).toEqual({ Approve: "b" });
  });
});
