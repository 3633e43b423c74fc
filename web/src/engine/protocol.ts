/**
 * Messages between the main thread and the engine's Web Worker. Every field is cloneable data.
 * The worker runs inside the sandbox document (sandbox.ts); `SANDBOX` names the handshake that
 * connects the two over a MessagePort before the engine protocol starts.
 */
import type { LibraryCode } from "./customLibraries";
import type { ActionRequest, ActionResult, Effect, EvaluationUpdate, ServerCall } from "./host";
import type { WidgetManifest } from "./manifest";
import type { AppsmithInit, PageDefinition } from "./page";

/** A request the main thread sends; answered by one `reply` with the same id. */
export type EngineRequest =
  | { readonly type: "load"; readonly manifests: readonly WidgetManifest[]; readonly page: PageDefinition; readonly appsmith: AppsmithInit }
  | { readonly type: "setMeta"; readonly widget: string; readonly changes: Readonly<Record<string, unknown>>; readonly item?: number }
  | { readonly type: "updateProperty"; readonly widget: string; readonly name: string; readonly raw: unknown }
  | { readonly type: "resetWidget"; readonly widget: string; readonly resetChildren: boolean }
  | { readonly type: "setUrl"; readonly href: string }
  | { readonly type: "runEvent"; readonly widget: string; readonly event: string; readonly extra: Readonly<Record<string, unknown>> }
  | { readonly type: "runJsFunction"; readonly object: string; readonly fn: string; readonly args: readonly unknown[] }
  | { readonly type: "runAction"; readonly action: string; readonly params: Readonly<Record<string, unknown>> }
  | { readonly type: "runOnLoadActions" }
  | { readonly type: "loadLibraries"; readonly libraries: readonly LibraryCode[] }
  | { readonly type: "ping" }
  | { readonly type: "evaluate"; readonly code: string };

export type ToWorker =
  | (EngineRequest & { readonly id: number })
  | { readonly type: "actionResult"; readonly requestId: number; readonly result: ActionResult }
  | { readonly type: "confirmResult"; readonly requestId: number; readonly confirmed: boolean };

export type FromWorker =
  | {
      readonly type: "reply";
      readonly id: number;
      readonly update?: EvaluationUpdate;
      readonly result?: unknown;
      readonly error?: string;
      /** Time the worker spent on the request, for diagnostics and the benchmark. */
      readonly elapsedMs: number;
    }
  | { readonly type: "update"; readonly update: EvaluationUpdate }
  | { readonly type: "effect"; readonly effect: Effect }
  | { readonly type: "executeAction"; readonly requestId: number; readonly request: ActionRequest }
  | { readonly type: "confirmAction"; readonly requestId: number; readonly action: string }
  /** Answered with an `actionResult` of the same request id. */
  | { readonly type: "callServer"; readonly requestId: number; readonly call: ServerCall }
  /** Sent by the sandbox document instead of the worker when the engine could not start. */
  | { readonly type: "failed"; readonly error: string };

/** The handshake's message types (`{ type }` objects, so no engine message is mistaken for one). */
export const SANDBOX = {
  /** sandbox document -> page: loaded, waiting for its control port. */
  documentReady: "lowcraft-sandbox-ready",
  /** page -> sandbox document: carries the control port; sandbox document -> worker: carries the engine's port. */
  connect: "lowcraft-engine-connect",
  /** page -> sandbox document, on the control port: the engine worker's script, as text. */
  code: "lowcraft-engine-code",
  /** page -> sandbox document, on the control port: start an engine worker, serving the port sent along. */
  start: "lowcraft-engine-start",
  /** page -> sandbox document, on the control port: end the engine worker started with this id. */
  stop: "lowcraft-engine-stop",
  /** worker -> sandbox document: the engine's modules are loaded, waiting for the port. */
  workerReady: "lowcraft-engine-ready",
} as const;

/** The message `data` if it is a handshake message of type `type`. */
export function isSandboxMessage(data: unknown, type: (typeof SANDBOX)[keyof typeof SANDBOX]): data is { type: string; id?: number; source?: string } {
  return typeof data === "object" && data !== null && (data as { type?: unknown }).type === type;
}

/**
 * A copy of `value` that survives postMessage: functions are dropped, cycles cut, and objects
 * that cannot be cloned become their string form.
 */
export function toCloneable(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== "object") return typeof value === "function" || typeof value === "symbol" ? undefined : value;
  if (seen.has(value)) return "[circular]";
  if (value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => toCloneable(item, seen));
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      if (value instanceof Map) return new Map([...value].map(([k, v]) => [toCloneable(k, seen), toCloneable(v, seen)]));
      if (value instanceof Set) return new Set([...value].map((v) => toCloneable(v, seen)));
      if (value instanceof Error) return `${value.name}: ${value.message}`;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== "function") out[k] = toCloneable(v, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

export function cloneableUpdate(update: EvaluationUpdate): EvaluationUpdate {
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(update.values)) values[k] = toCloneable(v);
  if (!update.snapshot) return { ...update, values };
  const snapshot: Record<string, Record<string, unknown>> = {};
  for (const [name, widget] of Object.entries(update.snapshot)) snapshot[name] = toCloneable(widget) as Record<string, unknown>;
  return { ...update, values, snapshot };
}
