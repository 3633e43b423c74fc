// @vitest-environment happy-dom
/** A workflow's Runs and Triggers in the JS editor, against a recorded API. */
import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, beforeEach, expect, test } from "vitest";

import WorkflowPanel from "./WorkflowPanel";
import { curlFor, duration } from "./workflowApi";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const container = document.createElement("div");
document.body.append(container);
const root = createRoot(container);
afterEach(() => act(() => root.render(null)));

type Answer = [number, unknown];
let calls: { method: string; url: string; body: unknown }[] = [];
let answers: Record<string, Answer | (() => Answer)> = {};

beforeEach(() => {
  calls = [];
  globalThis.fetch = (async (url: string, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const found = answers[`${method} ${url}`];
    const [status, body] = typeof found === "function" ? found() : (found ?? [404, { error: { code: "not_found", message: "no" } }]);
    return new Response(status === 204 ? null : JSON.stringify(body), { status });
  }) as typeof fetch;
});

const settle = async () => {
  for (let i = 0; i < 5; i += 1) await act(async () => new Promise((r) => setTimeout(r, 0)));
};
const button = (text: string) => [...container.querySelectorAll("button")].find((b) => b.textContent === text) as HTMLButtonElement;
const click = async (text: string) => {
  await act(async () => button(text).click());
  await settle();
};

const RUNS = "GET /api/v1/applications/app1/workflows/runs?workflowId=wf1&limit=50";
const failed = {
  id: "run1", status: "failed", trigger: "webhook", input: { orderId: 7 }, createdAt: "2026-12-06T10:00:00Z", finishedAt: "2026-12-06T10:00:02Z",
  error: { message: "relation orders does not exist", stepName: "getOrders", step: 1 }, attempt: 1,
  steps: [
    { index: 0, kind: "query", name: "getCustomer", status: "succeeded", attempts: 1, startedAt: "2026-12-06T10:00:00Z", finishedAt: "2026-12-06T10:00:00.120Z" },
    { index: 1, kind: "query", name: "getOrders", status: "failed", attempts: 3, error: "relation orders does not exist", startedAt: "2026-12-06T10:00:00.2Z", finishedAt: "2026-12-06T10:00:02Z" },
  ],
  requests: [],
};

test("runs list with status; a run opens with its input, step timeline and error; retry and cancel", async () => {
  answers = {
    [RUNS]: [200, { runs: [failed] }],
    "GET /api/v1/applications/app1/workflows/runs/run1": [200, failed],
    "POST /api/v1/applications/app1/workflows/runs/run1/retry": [200, { ...failed, status: "queued" }],
  };
  act(() => root.render(<WorkflowPanel appId="app1" workflowId="wf1" name="Approve" />));
  await settle();
  const row = container.querySelector("tr[data-run='run1']") as HTMLTableRowElement;
  expect(row.dataset.status).toBe("failed");
  await act(async () => row.click());
  await settle();
  expect(container.querySelector("[data-run-input]")?.textContent).toContain("orderId");
  const steps = [...container.querySelectorAll("[aria-label='Step timeline'] li")].map((li) => li.textContent);
  expect(steps[0]).toContain("getCustomer");
  expect(steps[0]).toContain("120 ms");
  expect(steps[1]).toContain("3 attempts");
  expect(container.textContent).toContain("getOrders: relation orders does not exist");
  expect(button("Cancel run")).toBeUndefined();
  await click("Retry from the failed step");
  expect(calls.some((c) => c.method === "POST" && c.url.endsWith("/runs/run1/retry"))).toBe(true);
});

test("a run is started as edited with the JSON input; bad JSON is refused before any request", async () => {
  answers = {
    [RUNS]: [200, { runs: [] }],
    "POST /api/v1/applications/app1/workflows/wf1/runs": [201, { id: "run2", status: "queued", createdAt: "2026-12-06T10:00:00Z" }],
    "GET /api/v1/applications/app1/workflows/runs/run2": [200, { id: "run2", status: "waiting", createdAt: "2026-12-06T10:00:00Z", steps: [], requests: [
      { id: "q1", name: "Approve refund", message: "", resolutions: ["Approve"], users: ["boss@example.com"], groups: ["finance"], status: "pending" },
    ] }],
  };
  act(() => root.render(<WorkflowPanel appId="app1" workflowId="wf1" name="Approve" />));
  await settle();
  expect(container.textContent).toContain("No runs of Approve yet.");
  const input = container.querySelector("textarea[aria-label='Run input']") as HTMLTextAreaElement;
  const type = async (text: string) => {
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")?.set;
      setter?.call(input, text);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  };
  await type("{oops");
  await click("Start run");
  expect(container.querySelector("[role='alert']")?.textContent).toBe("The input must be JSON.");
  expect(calls.filter((c) => c.method === "POST")).toEqual([]);
  await type('{"orderId": 7}');
  await click("Start run");
  expect(calls.find((c) => c.method === "POST")?.body).toEqual({ data: { orderId: 7 }, mode: "edit" });
  expect(container.textContent).toContain("Approve refund: pending");
  expect(container.textContent).toContain("boss@example.com, group finance");
  expect(button("Cancel run")).toBeDefined();
});

test("the webhook token is shown once after creating or rotating; the schedule saves with its zone and policy", async () => {
  let webhook: unknown = null;
  answers = {
    "GET /api/v1/workflows/wf1/triggers": () => [200, { workflowId: "wf1", webhook, schedule: null }],
    "POST /api/v1/workflows/wf1/webhook": () => {
      webhook = { url: "https://lc.example.com/api/v1/hooks/workflows/wf1", prefix: "lcwh_abcdefg", createdAt: "2026-12-06T10:00:00Z", lastUsedAt: null };
      return [201, { ...(webhook as object), token: "lcwh_secret-token" }];
    },
    "PUT /api/v1/workflows/wf1/schedule": [422, { error: { code: "invalid_schedule", message: "'61 * * * *' is not a valid cron expression." } }],
  };
  act(() => root.render(<WorkflowPanel appId="app1" workflowId="wf1" name="Approve" />));
  await settle();
  await click("Triggers");
  expect(container.textContent).toContain("No webhook");
  await click("Create webhook");
  expect(container.querySelector("[data-webhook-token]")?.textContent).toBe("lcwh_secret-token");
  expect(container.querySelector("[data-webhook-url]")?.textContent).toBe("https://lc.example.com/api/v1/hooks/workflows/wf1");
  expect(button("Rotate token")).toBeDefined();
  await click("Save schedule");
  const put = calls.find((c) => c.method === "PUT");
  expect(put?.body).toMatchObject({ cron: "0 * * * *", missedRuns: "skip", enabled: true });
  expect(container.querySelector("[role='alert']")?.textContent).toContain("not a valid cron expression");
});

test("curl and durations", () => {
  expect(curlFor("https://x/api/v1/hooks/workflows/w", null)).toContain("Authorization: Bearer <token>");
  expect(duration("2026-01-01T00:00:00Z", "2026-01-01T00:00:03.4Z")).toBe("3.4 s");
  expect(duration("2026-01-01T00:00:00Z", null)).toBe("…");
});
