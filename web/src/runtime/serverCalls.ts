/**
 * The platform's server functions that user code calls (`triggerWorkflow`, `getWorkflowRequests`,
 * `resolveWorkflowRequest`), one entry per kind: how each becomes a request to the workflow routes
 * (lowcraft/workflows/api.py) and what its promise resolves with. The viewer runs the published
 * workflow (`view`), the editor the edited one (`edit`); the session's cookie goes along, so the
 * server checks the person (members start runs; only a request's assignees resolve it).
 */
import { api } from "../api/http";
import type { ActionResult, ServerCall } from "../engine/host";

export interface ServerCallContext {
  readonly applicationId: string;
  readonly mode: "view" | "edit";
  /** The app's workflows (JS objects with `executeWorkflow`) by name, the current page's first. */
  readonly workflows: Readonly<Record<string, string>>;
}

/** Longest "trigger and wait" holds on (the server's limit). */
export const WAIT_SECONDS = 60;

/** A run as the workflow routes answer it. */
export interface WorkflowRun {
  readonly id: string;
  readonly status: string;
  readonly output?: unknown;
  readonly error?: { readonly message?: string; readonly stepName?: string } | null;
}

type Handler<K extends ServerCall["kind"]> = (
  call: Extract<ServerCall, { kind: K }>,
  context: ServerCallContext,
  fetcher: typeof fetch,
) => Promise<unknown>;

const q = encodeURIComponent;

function failure(run: WorkflowRun): string {
  const where = run.error?.stepName ? `${run.error.stepName}: ` : "";
  return `${where}${run.error?.message || `the workflow run ${run.status}`}`;
}

export const SERVER_CALLS: { readonly [K in ServerCall["kind"]]: Handler<K> } = {
  async triggerWorkflow(call, context, fetcher) {
    const id = context.workflows[call.workflow] ?? (Object.values(context.workflows).includes(call.workflow) ? call.workflow : undefined);
    if (id === undefined) throw new Error(`This app has no workflow named ${call.workflow}`);
    const run = await api<WorkflowRun>(
      `/applications/${q(context.applicationId)}/workflows/${q(id)}/runs`,
      { method: "POST", body: { data: call.data ?? null, mode: context.mode, waitSeconds: call.wait ? WAIT_SECONDS : 0 } },
      fetcher,
    );
    if (!call.wait) return run.id;
    if (run.status === "failed" || run.status === "cancelled") throw new Error(failure(run));
    return run.status === "succeeded" ? run.output : { runId: run.id, status: run.status };
  },
  async getWorkflowRequests(_call, context, fetcher) {
    const answer = await api<{ requests: unknown[] }>(`/applications/${q(context.applicationId)}/workflows/requests?mine=true`, {}, fetcher);
    return answer.requests;
  },
  async resolveWorkflowRequest(call, context, fetcher) {
    return api<unknown>(
      `/applications/${q(context.applicationId)}/workflows/requests/${q(call.requestId)}/resolve`,
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

const EXECUTE_WORKFLOW = /\bexecuteWorkflow\s*(\(|:)/;

/** Whether a JS object is a workflow (as lowcraft/workflows/handler.py `is_workflow` decides). */
export function isWorkflow(body: string): boolean {
  return EXECUTE_WORKFLOW.test(body);
}

/** Workflow name -> id over JS objects `{ id, name, body, pageId }`, those of `pageId` winning. */
export function workflowIds(
  objects: readonly { readonly id?: string | undefined; readonly name: string; readonly body: string; readonly pageId?: string | undefined }[],
  pageId?: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  const ordered = [...objects.filter((o) => o.pageId !== pageId), ...objects.filter((o) => o.pageId === pageId)];
  for (const o of ordered) if (o.id && isWorkflow(o.body)) out[o.name] = o.id;
  return out;
}
