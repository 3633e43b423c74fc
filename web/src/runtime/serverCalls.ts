/**
 * The platform's server functions that user code calls (`triggerWorkflow`, `getWorkflowRequests`,
 * `resolveWorkflowRequest`), one entry per kind: how each becomes an API request and what its
 * promise resolves with. The viewer runs them as the published app (`view`), the editor as
 * edited (`edit`); the session's cookie goes along, so the server checks the person, not the page.
 */
import { api } from "../api/http";
import type { ActionResult, ServerCall } from "../engine/host";

export interface ServerCallContext {
  readonly applicationId: string;
  readonly mode: "view" | "edit";
}

/** The answer of `POST /applications/{id}/workflow-runs` (lowcraft/triggers/api.py). */
export interface TriggeredRun {
  readonly runId: string;
  readonly status: string;
  readonly output?: unknown;
  readonly error?: string | null;
}

type Handler<K extends ServerCall["kind"]> = (
  call: Extract<ServerCall, { kind: K }>,
  context: ServerCallContext,
  fetcher: typeof fetch,
) => Promise<unknown>;

const q = encodeURIComponent;

export const SERVER_CALLS: { readonly [K in ServerCall["kind"]]: Handler<K> } = {
  async triggerWorkflow(call, context, fetcher) {
    const run = await api<TriggeredRun>(
      `/applications/${q(context.applicationId)}/workflow-runs`,
      { method: "POST", body: { workflow: call.workflow, data: call.data, wait: call.wait, mode: context.mode } },
      fetcher,
    );
    if (!call.wait) return run.runId;
    if (run.status === "failed" || run.status === "cancelled") throw new Error(run.error || `the workflow run ${run.status}`);
    return run.status === "succeeded" ? run.output : run;
  },
  async getWorkflowRequests(call, context, fetcher) {
    const query = call.workflow ? `?workflow=${q(call.workflow)}` : "";
    const answer = await api<{ requests: unknown[] }>(`/applications/${q(context.applicationId)}/inbox${query}`, {}, fetcher);
    return answer.requests;
  },
  async resolveWorkflowRequest(call, context, fetcher) {
    return api<unknown>(
      `/applications/${q(context.applicationId)}/inbox/${q(call.requestId)}/resolve`,
      { method: "POST", body: { resolution: call.resolution, ...(call.note !== undefined ? { comment: call.note } : {}) } },
      fetcher,
    );
  },
};

/** Run `call`; a refusal becomes `ok: false` with the server's message (the user code's promise rejects). */
export async function runServerCall(call: ServerCall, context: ServerCallContext, fetcher: typeof fetch = fetch): Promise<ActionResult> {
  const handler = SERVER_CALLS[call.kind] as Handler<typeof call.kind>;
  try {
    return { ok: true, data: await handler(call as never, context, fetcher) };
  } catch (error) {
    return { ok: false, data: undefined, error: error instanceof Error ? error.message : String(error) };
  }
}
