/**
 * Names that a binding may use without them being references to application data: the
 * JavaScript built-ins and bundled libraries, and the platform's action functions. The same lists
 * as the server's (lowcraft/bindings/known_names.py), so both sides classify names alike.
 */

export const JS_GLOBALS: ReadonlySet<string> = new Set([
  "undefined", "NaN", "Infinity", "globalThis", "Object", "Function", "Array", "Number", "parseFloat",
  "parseInt", "Boolean", "String", "Symbol", "Date", "Promise", "RegExp", "Error",
  "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError", "JSON", "Math",
  "Intl", "ArrayBuffer", "Uint8Array", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array",
  "Int32Array", "Float32Array", "Float64Array", "Uint8ClampedArray", "BigUint64Array", "BigInt64Array",
  "DataView", "Map", "BigInt", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "Proxy",
  "Reflect", "decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape",
  "unescape", "eval", "isFinite", "isNaN", "console", "atob", "btoa", "structuredClone",
  "queueMicrotask", "TextEncoder", "TextDecoder", "URL", "URLSearchParams", "crypto", "Atomics",
  "SharedArrayBuffer", "setTimeout", "clearTimeout", "fetch", "location", "navigator", "self", "window",
  "arguments", "moment", "_",
]);

/** Functions every event handler can call (Appsmith's global actions). */
export const ACTION_FUNCTIONS = [
  "showAlert", "navigateTo", "storeValue", "removeValue", "clearStore", "showModal", "closeModal",
  "resetWidget", "download", "copyToClipboard", "setInterval", "clearInterval", "postWindowMessage",
  "logoutUser", "triggerWorkflow", "getWorkflowRequests", "resolveWorkflowRequest",
] as const;

export type ActionFunctionName = (typeof ACTION_FUNCTIONS)[number];

/**
 * Browser functions bound only in event handlers and JS functions (a data binding calling one
 * gets an error): Appsmith allows `fetch` in triggers only.
 */
export const TRIGGER_ONLY_GLOBALS = ["fetch"] as const;

const ACTION_FUNCTION_SET: ReadonlySet<string> = new Set(ACTION_FUNCTIONS);

/** Whether a free identifier names something other than application data. */
export function isGlobalName(name: string): boolean {
  return JS_GLOBALS.has(name) || ACTION_FUNCTION_SET.has(name);
}
