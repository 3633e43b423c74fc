/**
 * Emptying the worker's global object of everything that reaches the network, storage or other
 * contexts, so user code holds only the data tree and the action functions. Runs once, after the
 * engine has captured what it needs (postMessage, timers) and before any user code.
 */

/** Globals user code must not reach: requests carry the session cookie; storage and channels leak. */
export const FORBIDDEN_GLOBALS = [
  "fetch", "XMLHttpRequest", "WebSocket", "EventSource", "WebTransport", "importScripts", "indexedDB",
  "caches", "BroadcastChannel", "Worker", "SharedWorker", "Request", "Response", "Headers", "navigator",
  "location", "postMessage", "close", "onmessage", "onmessageerror", "addEventListener",
  "removeEventListener", "dispatchEvent", "cookieStore", "FileReaderSync", "open", "opener", "parent",
  "top", "document", "window", "localStorage", "sessionStorage", "WebAssembly",
] as const;

/**
 * What user code sees as `navigator` (Appsmith's evaluator keeps it): the browser's description
 * of itself, as plain data. The worker's own navigator also holds storage, locks and permissions.
 */
export function navigatorSnapshot(source: unknown): Readonly<Record<string, unknown>> {
  const n = (source ?? {}) as Record<string, unknown>;
  const pick = (key: string, fallback: unknown): unknown => (key in n ? n[key] : fallback);
  return Object.freeze({
    userAgent: pick("userAgent", ""),
    language: pick("language", ""),
    languages: Object.freeze([...((pick("languages", []) as readonly string[]) ?? [])]),
    onLine: pick("onLine", true),
    hardwareConcurrency: pick("hardwareConcurrency", 1),
    platform: pick("platform", ""),
    cookieEnabled: false,
  });
}

/**
 * Shadow each forbidden global with an unwritable `undefined` (`navigator` with its snapshot);
 * returns the names it replaced. `fetch` stays reachable only through the trigger functions
 * (triggers.ts), which captured it at load.
 */
export function lockdown(target: Record<string, unknown> = globalThis as unknown as Record<string, unknown>): string[] {
  const replaced: string[] = [];
  for (const name of FORBIDDEN_GLOBALS) {
    if (!(name in target)) continue;
    const value = name === "navigator" ? navigatorSnapshot(target[name]) : undefined;
    try {
      Object.defineProperty(target, name, { value, writable: false, configurable: false, enumerable: false });
      replaced.push(name);
    } catch {
      // A non-configurable own property: make sure it at least does not hold the original.
      try {
        target[name] = value;
        replaced.push(name);
      } catch {
        /* left as is; reported by the isolation check in the benchmark page */
      }
    }
  }
  return replaced;
}
