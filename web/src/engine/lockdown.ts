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

/** Shadow each forbidden global with an unwritable `undefined`; returns the names it replaced. */
export function lockdown(target: Record<string, unknown> = globalThis as unknown as Record<string, unknown>): string[] {
  const replaced: string[] = [];
  for (const name of FORBIDDEN_GLOBALS) {
    if (!(name in target)) continue;
    try {
      Object.defineProperty(target, name, { value: undefined, writable: false, configurable: false, enumerable: false });
      replaced.push(name);
    } catch {
      // A non-configurable own property: make sure it at least does not hold the original.
      try {
        target[name] = undefined;
        replaced.push(name);
      } catch {
        /* left as is; reported by the isolation check in the benchmark page */
      }
    }
  }
  return replaced;
}
