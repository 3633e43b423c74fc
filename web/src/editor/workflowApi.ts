/**
 * The editor's calls about one workflow: its runs (lowcraft/workflows/api.py) and its triggers
 * (lowcraft/triggers/api.py). Editor-only: the viewer reaches workflows through runtime/serverCalls.ts.
 */
import type * as Schema from "../api/generated";
import { api } from "../api/http";

const enc = encodeURIComponent;

export type RunStep = Schema.StepOut;
export type RunRequest = Schema.RequestOut;
export type RunSummary = Schema.RunOut;
export type RunDetail = Schema.RunDetailOut;
export type Webhook = Schema.WebhookOut;
export type Schedule = Schema.ScheduleOut;
export type Triggers = Schema.TriggersOut;

export const UNFINISHED: ReadonlySet<string> = new Set(["queued", "running", "waiting"]);

export const workflowApi = {
  runs: (appId: string, workflowId: string) =>
    api<{ runs: RunSummary[] }>(`/applications/${enc(appId)}/workflows/runs?workflowId=${enc(workflowId)}&limit=50`),
  run: (appId: string, runId: string) => api<RunDetail>(`/applications/${enc(appId)}/workflows/runs/${enc(runId)}`),
  start: (appId: string, workflowId: string, data: unknown) =>
    api<RunSummary>(`/applications/${enc(appId)}/workflows/${enc(workflowId)}/runs`, { method: "POST", body: { data, mode: "edit" } }),
  cancel: (appId: string, runId: string) => api<RunSummary>(`/applications/${enc(appId)}/workflows/runs/${enc(runId)}/cancel`, { method: "POST" }),
  retry: (appId: string, runId: string) => api<RunSummary>(`/applications/${enc(appId)}/workflows/runs/${enc(runId)}/retry`, { method: "POST" }),
  triggers: (workflowId: string) => api<Triggers>(`/workflows/${enc(workflowId)}/triggers`),
  /** A new token (made or rotated): the only time the token is shown. */
  makeToken: (workflowId: string) => api<Schema.WebhookTokenOut>(`/workflows/${enc(workflowId)}/webhook`, { method: "POST" }),
  revoke: (workflowId: string) => api<void>(`/workflows/${enc(workflowId)}/webhook`, { method: "DELETE" }),
  saveSchedule: (workflowId: string, schedule: Pick<Schedule, "cron" | "timezone" | "missedRuns" | "enabled">) =>
    api<Schedule>(`/workflows/${enc(workflowId)}/schedule`, { method: "PUT", body: schedule }),
  removeSchedule: (workflowId: string) => api<void>(`/workflows/${enc(workflowId)}/schedule`, { method: "DELETE" }),
};

/** `curl` for the webhook, with the token if it is being shown (else a placeholder). */
export function curlFor(url: string, token: string | null): string {
  return `curl -X POST '${url}' -H 'Authorization: Bearer ${token ?? "<token>"}' -H 'Idempotency-Key: <unique id>' -H 'Content-Type: application/json' -d '{}'`;
}

/** How long a step or run took, for the timeline: "120 ms", "3.4 s", "2 min", or "…" while going. */
export function duration(startedAt: string, finishedAt: string | null | undefined): string {
  if (!finishedAt) return "…";
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  if (!Number.isFinite(ms) || ms < 0) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
