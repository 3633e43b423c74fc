/**
 * The script of the sandbox document (sandbox/engine.html), where the engine workers, and so all
 * user JavaScript, run. The page embeds the document in an `<iframe sandbox="allow-scripts">` and
 * the server sends it with a Content-Security-Policy whose `sandbox` directive gives it an opaque
 * origin however it is opened: requests from it carry no cookies, it has no storage of Lowcraft's
 * origin, and the same policy lets it connect nowhere and load scripts only from /assets/. That
 * holds for whatever globals the browser adds, unlike a list of names to remove.
 *
 * The page sends a control port once. On it come the engine worker's script as text, then one
 * `start` per engine with the engine's MessagePort, handed on to a fresh worker once that worker is
 * ready: from then on the page and the worker talk directly. Workers start from a blob of the
 * script: an opaque document cannot start a worker from a URL (every URL is of another origin),
 * and has no HTTP cache either, so the page, which has one, fetches the script.
 */
import { isSandboxMessage, SANDBOX, type FromWorker } from "./protocol";

// Served without its policy (an old proxy rewriting headers, say) and framed without the sandbox
// attribute, the document would have the origin of Lowcraft: refuse to run user code there.
if (self.origin !== "null") throw new Error("the engine sandbox runs only with an opaque origin (sandbox policy missing)");

let engineUrl: string | null = null;
const waiting: [number, MessagePort][] = [];
const workers = new Map<number, Worker>();

function startEngine(url: string, id: number, port: MessagePort): void {
  // A classic worker (the script is built as one strict-mode function): Chromium refuses module
  // workers from blob: URLs of an opaque origin.
  const worker = new Worker(url, { name: "lowcraft-engine" });
  workers.set(id, worker);
  worker.onmessage = (event: MessageEvent) => {
    if (!isSandboxMessage(event.data, SANDBOX.workerReady)) return;
    worker.postMessage({ type: SANDBOX.connect }, [port]);
    // Nothing the worker says to this document is listened to any more: user code runs there now.
    worker.onmessage = null;
    worker.onerror = null;
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    port.postMessage({ type: "failed", error: `the engine could not start: ${event.message || "its script failed"}` } satisfies FromWorker);
    worker.terminate();
    workers.delete(id);
  };
}

function control(event: MessageEvent): void {
  const { data } = event;
  const port = event.ports[0];
  if (isSandboxMessage(data, SANDBOX.code) && typeof data.source === "string" && engineUrl === null) {
    const url = URL.createObjectURL(new Blob([data.source], { type: "text/javascript" }));
    engineUrl = url;
    for (const [id, waitingPort] of waiting.splice(0)) startEngine(url, id, waitingPort);
  } else if (isSandboxMessage(data, SANDBOX.start) && typeof data.id === "number" && port) {
    if (engineUrl === null) waiting.push([data.id, port]);
    else startEngine(engineUrl, data.id, port);
  } else if (isSandboxMessage(data, SANDBOX.stop) && typeof data.id === "number") {
    workers.get(data.id)?.terminate();
    workers.delete(data.id);
  }
}

let controlPort: MessagePort | null = null;
addEventListener("message", (event: MessageEvent) => {
  if (event.source !== parent || controlPort !== null || !isSandboxMessage(event.data, SANDBOX.connect)) return;
  controlPort = event.ports[0] ?? null;
  if (controlPort) controlPort.onmessage = control;
});
parent.postMessage({ type: SANDBOX.documentReady }, "*");
