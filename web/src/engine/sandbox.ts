/**
 * The script of the sandbox document (sandbox/engine.html), where the engine worker, and so all
 * user JavaScript, runs. The page embeds the document in an `<iframe sandbox="allow-scripts">` and
 * the server sends it with a Content-Security-Policy whose `sandbox` directive gives it an opaque
 * origin however it is opened: requests from it carry no cookies, it has no storage of Lowcraft's
 * origin, and the same policy lets it connect nowhere and load scripts only from /assets/. That
 * holds for whatever globals the browser adds, unlike a list of names to remove.
 *
 * An opaque document cannot start a worker from a URL (every URL is of another origin), so the
 * worker starts from a blob that imports the engine's bundle (/assets/ answers such cross-origin
 * module loads). The page's MessagePort is handed on to the worker once both are ready: from then
 * on the page and the worker talk directly, and this document only stays alive to host the worker.
 */
import engineWorkerUrl from "./worker.ts?worker&url";
import { isSandboxMessage, SANDBOX, type FromWorker } from "./protocol";

// Served without its policy (an old proxy rewriting headers, say), the document would have the
// origin of Lowcraft: refuse to run user code there.
if (self.origin !== "null") throw new Error("the engine sandbox runs only with an opaque origin (sandbox policy missing)");

const moduleUrl = new URL(engineWorkerUrl, import.meta.url).href;
const bootstrap = `import(${JSON.stringify(moduleUrl)}).catch((e) => postMessage({ type: ${JSON.stringify(SANDBOX.workerFailed)}, error: String(e) }));`;
const bootstrapUrl = URL.createObjectURL(new Blob([bootstrap], { type: "text/javascript" }));
const worker = new Worker(bootstrapUrl, { name: "lowcraft-engine" });

let port: MessagePort | null = null;
let workerReady = false;
let failure: string | null = null;

function handOver(): void {
  if (port === null) return;
  if (failure !== null) {
    port.postMessage({ type: "failed", error: failure } satisfies FromWorker);
    return;
  }
  if (!workerReady) return;
  worker.postMessage({ type: SANDBOX.connect }, [port]);
  // Nothing the worker says to this document is listened to any more: user code runs there now.
  worker.onmessage = null;
  worker.onerror = null;
  URL.revokeObjectURL(bootstrapUrl);
}

worker.onmessage = (event: MessageEvent) => {
  if (isSandboxMessage(event.data, SANDBOX.workerReady)) workerReady = true;
  else if (isSandboxMessage(event.data, SANDBOX.workerFailed)) failure = `the engine could not start: ${event.data.error ?? "unknown error"}`;
  else return;
  handOver();
};
worker.onerror = (event: ErrorEvent) => {
  event.preventDefault();
  failure = `the engine could not start: ${event.message || "its script did not load"}`;
  handOver();
};

addEventListener("message", (event: MessageEvent) => {
  if (event.source !== parent || port !== null || !isSandboxMessage(event.data, SANDBOX.connect)) return;
  port = event.ports[0] ?? null;
  handOver();
});
parent.postMessage({ type: SANDBOX.documentReady }, "*");
