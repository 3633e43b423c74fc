/**
 * The engine's side of the worker protocol: owns the Engine, answers requests from the main
 * thread, and forwards effects, updates and action executions as messages.
 */
import { loadLibraries } from "./customLibraries";
import { Engine } from "./engine";
import { messageOf } from "./errors";
import type { ActionResult, EngineHost } from "./host";
import { cloneableUpdate, toCloneable, type EngineRequest, type FromWorker, type ToWorker } from "./protocol";

/** The receiving end: the worker's global scope, or a MessagePort in tests. */
export interface EnginePort {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}

/** Serve engine requests arriving on `port` until it closes. */
export function serveEngine(port: EnginePort): void {
  const post = port.postMessage.bind(port);

  let engine: Engine | null = null;
  let nextRequest = 1;
  const waitingActions = new Map<number, (result: ActionResult) => void>();
  const waitingConfirms = new Map<number, (confirmed: boolean) => void>();

  const host: EngineHost = {
    effect: (effect) => post({ type: "effect", effect }),
    update: (update) => {
      try {
        post({ type: "update", update });
      } catch {
        post({ type: "update", update: cloneableUpdate(update) });
      }
    },
    executeAction: (request) =>
      new Promise((resolve) => {
        const requestId = nextRequest++;
        waitingActions.set(requestId, resolve);
        post({ type: "executeAction", requestId, request: toCloneable(request) as typeof request });
      }),
    callServer: (call) =>
      new Promise((resolve) => {
        const requestId = nextRequest++;
        waitingActions.set(requestId, resolve);
        post({ type: "callServer", requestId, call: toCloneable(call) as typeof call });
      }),
    confirmAction: (action) =>
      new Promise((resolve) => {
        const requestId = nextRequest++;
        waitingConfirms.set(requestId, resolve);
        post({ type: "confirmAction", requestId, action });
      }),
  };

  function requireEngine(): Engine {
    if (!engine) throw new Error("no page is loaded");
    return engine;
  }

  async function handle(request: EngineRequest): Promise<{ update?: ReturnType<Engine["flush"]>; result?: unknown }> {
    switch (request.type) {
      case "load":
        engine?.dispose();
        engine = new Engine({ manifests: request.manifests, host, appsmith: request.appsmith });
        return { update: engine.load(request.page) };
      case "setMeta":
        return { update: requireEngine().setMeta(request.widget, request.changes, request.item) };
      case "updateProperty":
        return { update: requireEngine().updateProperty(request.widget, request.name, request.raw) };
      case "resetWidget":
        return { update: requireEngine().resetWidget(request.widget, request.resetChildren) };
      case "setUrl":
        return { update: requireEngine().setUrl(request.href) };
      case "runEvent":
        return { result: await requireEngine().runEvent(request.widget, request.event, request.extra) };
      case "runJsFunction":
        return { result: await requireEngine().runJsFunction(request.object, request.fn, request.args) };
      case "runAction":
        return { result: await requireEngine().runAction(request.action, request.params) };
      case "runOnLoadActions":
        await requireEngine().runOnLoadActions();
        return {};
      case "loadLibraries":
        return { result: loadLibraries(request.libraries) };
      case "ping":
        return {};
      case "evaluate":
        return { result: await requireEngine().runHandler(request.code, "console") };
    }
  }

  port.onmessage = (event: MessageEvent<ToWorker>) => {
    const message = event.data;
    if (message.type === "actionResult") {
      waitingActions.get(message.requestId)?.(message.result);
      waitingActions.delete(message.requestId);
      return;
    }
    if (message.type === "confirmResult") {
      waitingConfirms.get(message.requestId)?.(message.confirmed);
      waitingConfirms.delete(message.requestId);
      return;
    }
    const { id } = message;
    const started = performance.now();
    handle(message).then(
      ({ update, result }) => {
        const elapsedMs = performance.now() - started;
        // Structured cloning is native and fast; values holding functions (rare) are cleaned first.
        try {
          post({ type: "reply", id, ...(update ? { update } : {}), result: toCloneable(result), elapsedMs });
        } catch {
          post({ type: "reply", id, ...(update ? { update: cloneableUpdate(update) } : {}), result: toCloneable(result), elapsedMs });
        }
      },
      (error: unknown) => post({ type: "reply", id, error: messageOf(error), elapsedMs: performance.now() - started }),
    );
  };
}
