/** Running an action on the server for the engine (`POST /api/v1/actions/{id}/execute`). */
import { api } from "../api/http";
import type { ActionRequest, ActionResult } from "../engine/host";

/** The execute endpoint's answer (lowcraft/actions/execution.py). */
export interface ExecutionResponse {
  readonly isExecutionSuccess: boolean;
  readonly statusCode?: string | number | null;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly durationMs?: number;
  readonly error?: { readonly code?: string; readonly message?: string; readonly hint?: string } | null;
}

export function toActionResult(response: ExecutionResponse): ActionResult {
  return {
    ok: response.isExecutionSuccess,
    data: response.body,
    statusCode: response.statusCode ?? undefined,
    headers: response.headers ?? {},
    durationMs: response.durationMs,
    error: response.isExecutionSuccess ? undefined : [response.error?.message, response.error?.hint].filter(Boolean).join(" ") || "execution failed",
  };
}

export async function executeOnServer(
  request: ActionRequest,
  context: { applicationId: string; mode: "view" | "edit" },
  fetcher: typeof fetch = fetch,
): Promise<ActionResult> {
  if (!request.actionId) return { ok: false, data: undefined, error: `${request.action} has no id in this document` };
  const response = await api<ExecutionResponse>(
    `/actions/${encodeURIComponent(request.actionId)}/execute`,
    { method: "POST", body: { params: request.params, mode: context.mode, applicationId: context.applicationId } },
    fetcher,
  );
  return toActionResult(response);
}
