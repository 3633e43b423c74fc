/**
 * The global action functions available to event handlers and JS functions (`showAlert`,
 * `storeValue`, `setInterval`, ...). Each returns a promise, as in Appsmith, so `await` and
 * `.then()` both work. Effects leave the engine through the host; state changes go back into the
 * data tree through the runtime callbacks.
 */
import type { ActionFunctionName } from "./globals";
import type { AlertStyle, EngineHost, ServerCall } from "./host";

export interface TriggerRuntimeDeps {
  host(): EngineHost;
  /** Throws when called while a data binding is evaluating. */
  guard(what: string): void;
  store(): Readonly<Record<string, unknown>>;
  setStore(store: Record<string, unknown>): void;
  setModalOpen(name: string, open: boolean): void;
  resetWidget(name: string, resetChildren: boolean): void;
  /** Run a timer callback as an event handler (errors reported, JS state checked). */
  runCallback(fn: () => unknown, source: string): void;
}

export interface TriggerRuntime extends TriggerRuntimeDeps {
  readonly intervals: Map<string, ReturnType<typeof globalThis.setInterval>>;
  stopAllIntervals(): void;
}

// Captured before the worker's global object is locked down.
const nativeSetInterval = globalThis.setInterval.bind(globalThis);
const nativeClearInterval = globalThis.clearInterval.bind(globalThis);
const nativeFetch: typeof fetch | undefined = typeof globalThis.fetch === "function" ? globalThis.fetch.bind(globalThis) : undefined;

const ALERT_STYLES: ReadonlySet<string> = new Set(["info", "success", "warning", "error"]);

export function createTriggerRuntime(deps: TriggerRuntimeDeps): TriggerRuntime {
  const intervals = new Map<string, ReturnType<typeof globalThis.setInterval>>();
  return {
    ...deps,
    intervals,
    stopAllIntervals() {
      for (const handle of intervals.values()) nativeClearInterval(handle);
      intervals.clear();
    },
  };
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  if (typeof value === "object") {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/** Structured-cloneable copy (drops functions), since effects cross to the main thread. */
function plain(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return String(value);
  }
}

let intervalCounter = 0;

async function serverCall(host: EngineHost, call: ServerCall): Promise<unknown> {
  const result = await host.callServer(call);
  if (!result.ok) throw new Error(result.error ?? `${call.kind} failed`);
  return result.data;
}

export function createActionFunctions(rt: TriggerRuntime): Record<ActionFunctionName, (...args: never[]) => Promise<unknown>> {
  const emit = (): EngineHost => rt.host();
  const impl: Record<ActionFunctionName, (...args: never[]) => Promise<unknown>> = {
    async showAlert(message: unknown, style: unknown = "info") {
      const s = typeof style === "string" && ALERT_STYLES.has(style) ? (style as AlertStyle) : "info";
      emit().effect({ kind: "showAlert", message: text(message), style: s });
    },
    async navigateTo(target: unknown, params: unknown = {}, window: unknown = "SAME_WINDOW") {
      emit().effect({
        kind: "navigateTo",
        target: text(target),
        params: (typeof params === "object" && params !== null ? plain(params) : {}) as Record<string, unknown>,
        window: window === "NEW_WINDOW" ? "NEW_WINDOW" : "SAME_WINDOW",
      });
    },
    async storeValue(key: unknown, value: unknown, persist: unknown = true) {
      const k = text(key);
      rt.setStore({ ...rt.store(), [k]: value });
      emit().effect({ kind: "storeValue", key: k, value: plain(value), persist: persist !== false });
    },
    async removeValue(key: unknown) {
      const k = text(key);
      const next = { ...rt.store() };
      delete next[k];
      rt.setStore(next);
      emit().effect({ kind: "removeValue", key: k });
    },
    async clearStore() {
      rt.setStore({});
      emit().effect({ kind: "clearStore" });
    },
    async showModal(name: unknown) {
      rt.setModalOpen(text(name), true);
      emit().effect({ kind: "showModal", name: text(name) });
    },
    async closeModal(name: unknown) {
      rt.setModalOpen(text(name), false);
      emit().effect({ kind: "closeModal", name: text(name) });
    },
    async resetWidget(name: unknown, resetChildren: unknown = true) {
      rt.resetWidget(text(name), resetChildren !== false);
    },
    async download(data: unknown, fileName: unknown, fileType: unknown = "") {
      emit().effect({
        kind: "download",
        data: typeof data === "string" ? data : plain(data),
        fileName: text(fileName) || "download",
        fileType: text(fileType),
      });
    },
    async copyToClipboard(value: unknown) {
      emit().effect({ kind: "copyToClipboard", text: text(value) });
    },
    async setInterval(callback: unknown, ms: unknown, id: unknown) {
      if (typeof callback !== "function") throw new TypeError("setInterval needs a function");
      const key = id === undefined ? `interval${(intervalCounter += 1)}` : text(id);
      const existing = rt.intervals.get(key);
      if (existing !== undefined) nativeClearInterval(existing);
      const period = typeof ms === "number" && ms > 0 ? ms : 1000;
      rt.intervals.set(key, nativeSetInterval(() => rt.runCallback(callback as () => unknown, `setInterval(${key})`), period));
      return key;
    },
    async clearInterval(id: unknown) {
      const key = text(id);
      const handle = rt.intervals.get(key);
      if (handle !== undefined) nativeClearInterval(handle);
      rt.intervals.delete(key);
    },
    async logoutUser(redirectUrl: unknown = "") {
      emit().effect({ kind: "logoutUser", redirectUrl: text(redirectUrl) });
    },
    // Workflows and the requests inbox (docs/workflows.md): server calls whose answer the promise
    // carries; a refusal (no such workflow, not an assignee) rejects with the server's message.
    async triggerWorkflow(workflow: unknown, data: unknown = {}, options: unknown = {}) {
      const wait = !(typeof options === "object" && options !== null && (options as { wait?: unknown }).wait === false);
      return serverCall(emit(), { kind: "triggerWorkflow", workflow: text(workflow), data: plain(data) ?? {}, wait });
    },
    async getWorkflowRequests() {
      return serverCall(emit(), { kind: "getWorkflowRequests" });
    },
    async resolveWorkflowRequest(requestId: unknown, resolution: unknown, note: unknown = undefined) {
      return serverCall(emit(), {
        kind: "resolveWorkflowRequest", requestId: text(requestId), resolution: text(resolution),
        note: note === undefined || note === null ? undefined : text(note),
      });
    },
    async postWindowMessage(message: unknown, source: unknown = "window", targetOrigin: unknown = "*") {
      emit().effect({ kind: "postWindowMessage", message: plain(message), source: text(source), targetOrigin: text(targetOrigin) });
    },
  } as Record<ActionFunctionName, (...args: never[]) => Promise<unknown>>;
  // The side-effect check runs synchronously so a data binding gets a plain error, not a promise.
  const guarded = {} as Record<ActionFunctionName, (...args: never[]) => Promise<unknown>>;
  for (const [name, fn] of Object.entries(impl) as [ActionFunctionName, (...args: never[]) => Promise<unknown>][]) {
    guarded[name] = (...args: never[]) => {
      rt.guard(`${name}()`);
      return fn(...args);
    };
  }
  return guarded;
}

/**
 * Browser functions user code may call only where Appsmith allows them: in event handlers and JS
 * functions, never while a data binding evaluates. `fetch` runs from the engine's sandbox, whose
 * origin is opaque and whose policy says what it may reach (docs/security.md); it never sends
 * credentials, so no cookie of the viewer's, for any site, goes with it.
 */
export function createTriggerGlobals(rt: TriggerRuntime): { readonly fetch: (input: unknown, init?: unknown) => Promise<unknown> } {
  return {
    fetch(input: unknown, init?: unknown) {
      rt.guard("fetch()");
      if (nativeFetch === undefined) return Promise.reject(new TypeError("fetch is not available in this browser"));
      const options = typeof init === "object" && init !== null ? (init as RequestInit) : {};
      return nativeFetch(input as RequestInfo, { ...options, credentials: "omit" });
    },
  };
}

/** `crypto.randomUUID` where the browser lacks it (outside a secure context), from getRandomValues. */
export function ensureRandomUUID(target: { crypto?: Crypto }): void {
  const c = target.crypto;
  if (c === undefined || typeof c.randomUUID === "function") return;
  const randomUUID = (): string => {
    const b = c.getRandomValues(new Uint8Array(16));
    b[6] = ((b[6] as number) & 0x0f) | 0x40;
    b[8] = ((b[8] as number) & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  Object.defineProperty(c, "randomUUID", { value: randomUUID, configurable: true });
}
