/**
 * The page's side of the engine sandbox (see sandbox.ts): an invisible `<iframe sandbox="allow-scripts">`
 * on the sandbox document, and a MessageChannel whose far end is handed to it once. The near end
 * is what the EngineClient talks to, like a Worker: messages sent before the sandbox is up wait in
 * the channel.
 */
import type { WorkerLike } from "./client";
import { isSandboxMessage, SANDBOX, type FromWorker, type ToWorker } from "./protocol";

/** Where the server serves the sandbox document, with its own Content-Security-Policy. */
export const SANDBOX_URL = "/sandbox/engine.html";

export class SandboxedWorker implements WorkerLike {
  private readonly channel = new MessageChannel();
  private readonly frame: HTMLIFrameElement;

  constructor(url: string = SANDBOX_URL) {
    const frame = document.createElement("iframe");
    // No allow-same-origin: the document gets an opaque origin even if its own policy were lost.
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.title = "Lowcraft engine";
    frame.hidden = true;
    frame.src = url;
    this.frame = frame;
    window.addEventListener("message", this.onHandshake);
    document.body.append(frame);
  }

  /** The sandbox document announces itself; only then, and only to that window, goes the port. */
  private readonly onHandshake = (event: MessageEvent): void => {
    const target = this.frame.contentWindow;
    if (target === null || event.source !== target || event.origin !== "null") return;
    if (!isSandboxMessage(event.data, SANDBOX.documentReady)) return;
    window.removeEventListener("message", this.onHandshake);
    // "*": an opaque origin cannot be named as a target; the source check above identifies it.
    target.postMessage({ type: SANDBOX.connect }, "*", [this.channel.port2]);
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

  /** Removing the frame ends its document and the worker with it. */
  terminate(): void {
    window.removeEventListener("message", this.onHandshake);
    this.channel.port1.close();
    this.frame.remove();
  }
}
