/**
 * The page's side of the engine sandbox (see sandbox.ts): one invisible
 * `<iframe sandbox="allow-scripts">` on the sandbox document per page, kept for every engine the
 * page starts (with the engine's script, fetched once), and per engine a MessageChannel whose far
 * end goes to a fresh worker in that document. The near end is what the EngineClient talks to,
 * like a Worker: messages sent before the worker is up wait in the channel.
 */
import type { WorkerLike } from "./client";
import { messageOf } from "./errors";
import { isSandboxMessage, SANDBOX, type FromWorker, type ToWorker } from "./protocol";
import engineWorkerUrl from "./worker.ts?worker&url";

/** Where the server serves the sandbox document, with its own Content-Security-Policy. */
export const SANDBOX_URL = "/sandbox/engine.html";

/** How long the sandbox document may take to answer once its frame has loaded. */
const HANDSHAKE_GRACE_MS = 5000;

class SandboxDocument {
  private readonly frame: HTMLIFrameElement;
  /** Our end of the control channel; messages wait in it until the document has the other end. */
  private readonly control = new MessageChannel();
  private connected = false;
  private nextId = 1;
  private readonly failureListeners = new Set<(reason: string) => void>();

  constructor(private readonly url: string) {
    const frame = document.createElement("iframe");
    // No allow-same-origin: the document gets an opaque origin even if its own policy were lost.
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.title = "Lowcraft engine";
    // Rendered (one transparent pixel in a corner), not display:none: Chromium lowers the CPU
    // priority of a process whose frames are all hidden, and this one does the evaluating.
    frame.style.cssText = "position:fixed;right:0;bottom:0;width:1px;height:1px;border:0;opacity:0;pointer-events:none";
    frame.src = url;
    frame.addEventListener("load", () => {
      window.setTimeout(() => {
        if (!this.connected) this.fail(`the engine sandbox (${url}) did not start`);
      }, HANDSHAKE_GRACE_MS);
    });
    this.frame = frame;
    window.addEventListener("message", this.onHandshake);
    document.body.append(frame);
    // Fetched here, where the HTTP cache keeps it (an opaque document has none), and sent as text.
    fetch(new URL(engineWorkerUrl, import.meta.url))
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.text();
      })
      .then(
        (source) => this.control.port1.postMessage({ type: SANDBOX.code, source }),
        (error: unknown) => this.fail(`the engine's script did not load (${messageOf(error)})`),
      );
  }

  /** The sandbox document announces itself; only then, and only to that window, goes the control port. */
  private readonly onHandshake = (event: MessageEvent): void => {
    const target = this.frame.contentWindow;
    if (target === null || event.source !== target || event.origin !== "null") return;
    if (!isSandboxMessage(event.data, SANDBOX.documentReady)) return;
    window.removeEventListener("message", this.onHandshake);
    this.connected = true;
    // "*": an opaque origin cannot be named as a target; the source check above identifies it.
    target.postMessage({ type: SANDBOX.connect }, "*", [this.control.port2]);
  };

  /** Start an engine worker serving `port`; returns its id for `stop`. */
  start(port: MessagePort, onFailure: (reason: string) => void): number {
    const id = this.nextId++;
    this.failureListeners.add(onFailure);
    this.control.port1.postMessage({ type: SANDBOX.start, id }, [port]);
    return id;
  }

  stop(id: number, onFailure: (reason: string) => void): void {
    this.failureListeners.delete(onFailure);
    this.control.port1.postMessage({ type: SANDBOX.stop, id });
  }

  /** Every engine of this document fails with `reason`; the page's next engine gets a new document. */
  private fail(reason: string): void {
    window.removeEventListener("message", this.onHandshake);
    this.frame.remove();
    if (shared.get(this.url) === this) shared.delete(this.url);
    for (const listener of this.failureListeners) listener(reason);
    this.failureListeners.clear();
  }
}

/** The page's sandbox documents by address (one in the app; tests may use another). */
const shared = new Map<string, SandboxDocument>();

function sandboxDocument(url: string): SandboxDocument {
  const key = new URL(url, window.location.href).href;
  let found = shared.get(key);
  if (!found) {
    found = new SandboxDocument(key);
    shared.set(key, found);
  }
  return found;
}

/** An engine worker in the page's sandbox document, behind the Worker-like face the client uses. */
export class SandboxedWorker implements WorkerLike {
  private readonly channel = new MessageChannel();
  private readonly sandbox: SandboxDocument;
  private readonly id: number;

  constructor(url: string = SANDBOX_URL) {
    this.sandbox = sandboxDocument(url);
    this.id = this.sandbox.start(this.channel.port2, this.onFailure);
  }

  /** The sandbox itself failed: tell the client as the sandbox would for a worker that failed. */
  private readonly onFailure = (reason: string): void => {
    const failed: FromWorker = { type: "failed", error: reason };
    this.channel.port1.onmessage?.(new MessageEvent("message", { data: failed }));
  };

  postMessage(message: ToWorker): void {
    this.channel.port1.postMessage(message);
  }

  get onmessage(): ((event: MessageEvent<FromWorker>) => void) | null {
    return this.channel.port1.onmessage;
  }

  set onmessage(handler: ((event: MessageEvent<FromWorker>) => void) | null) {
    this.channel.port1.onmessage = handler;
  }

  /** Ends this engine's worker; the sandbox document stays for the page's next engine. */
  terminate(): void {
    this.sandbox.stop(this.id, this.onFailure);
    this.channel.port1.close();
  }
}
