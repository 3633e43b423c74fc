import { describe, expect, test } from "vitest";

import { executeOnServer, toActionResult } from "../runtime/serverActions";
import { api, ApiError } from "./http";

function recordingFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  }) as unknown as typeof fetch;
  return { calls, fetcher };
}

describe("API calls", () => {
  test("unsafe requests carry X-Requested-By and the session cookie", async () => {
    const { calls, fetcher } = recordingFetch(200, { ok: 1 });
    await api("/things", { method: "POST", body: { a: 1 } }, fetcher);
    await api("/things", {}, fetcher);
    expect(calls[0]?.url).toBe("/api/v1/things");
    expect(calls[0]?.init.headers).toMatchObject({ "X-Requested-By": "lowcraft", "Content-Type": "application/json" });
    expect(calls[0]?.init.credentials).toBe("same-origin");
    expect(calls[1]?.init.headers).not.toHaveProperty("X-Requested-By");
  });

  test("an error body becomes an ApiError with the server's code and message", async () => {
    const { fetcher } = recordingFetch(404, { error: { code: "not_found", message: "Application not found." } });
    await expect(api("/view/x", {}, fetcher)).rejects.toEqual(new ApiError(404, "not_found", "Application not found."));
  });
});

describe("actions on the server", () => {
  test("the binding values are posted to the action's execute endpoint and the body becomes data", async () => {
    const { calls, fetcher } = recordingFetch(200, { isExecutionSuccess: true, statusCode: 200, body: [{ id: 1 }], headers: {}, durationMs: 3 });
    const result = await executeOnServer({ action: "getOrders", actionId: "a1", params: { "Input1.text": "x" } }, { applicationId: "app", mode: "view" }, fetcher);
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ params: { "Input1.text": "x" }, mode: "view", applicationId: "app" });
    expect(calls[0]?.url).toBe("/api/v1/actions/a1/execute");
    expect(result).toMatchObject({ ok: true, data: [{ id: 1 }], statusCode: 200 });
  });

  test("a failed execution carries the server's message and hint", () => {
    expect(toActionResult({ isExecutionSuccess: false, error: { message: "relation does not exist", hint: "Check the table name." } })).toMatchObject({
      ok: false,
      error: "relation does not exist Check the table name.",
    });
  });
});
