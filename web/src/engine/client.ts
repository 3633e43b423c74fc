/**
 * The main thread's handle on the engine worker: typed requests that resolve with the worker's
 * reply, and callbacks for what the worker pushes (updates, effects, action executions).
 */
import type { LibraryCode, LibraryLoad } from "./customLibraries";
import type { ActionRequest, ActionResult, Effect, EvaluationUpdate, ServerCall } from "./host";
import type { WidgetManifest } from "./manifest";
import type { AppsmithInit, PageDefinition } from "./page";
import { toCloneable, type EngineRequest, type FromWorker, type ToWorker } from "./protocol";
import { SandboxedWorker } from "./sandboxFrame";

/** The engine worker answered a request with an error. */
export class EngineRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineRequestError";
  }
}

export interface EngineClientHandlers {
  update(update: EvaluationUpdate): void;
  effect(effect: Effect): void;
  executeAction(request: ActionRequest): Promise<ActionResult>;
  confirmAction(action: string): Promise<boolean>;
  /** Server functions (workflows, the requests inbox); without it such calls fail with a message. */
  callServer?(call: ServerCall): Promise<ActionResult>;
}

/** What a Worker offers that the client uses (the sandboxed engine, or a MessagePort in tests). */
export interface WorkerLike {
  postMessage(message: ToWorker): void;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  terminate?(): void;
}

interface Reply {
  readonly update?: EvaluationUpdate;
  readonly result?: unknown;
  readonly elapsedMs: number;
}

export class EngineClient {
  private nextId = 1;
  /** Why the engine could not start, once the sandbox has said so: every request fails with it. */
  private failure: string | null = null;
  /** Milliseconds the worker spent on the last request it answered. */
  lastElapsedMs = 0;
  private readonly waiting = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();

  constructor(
    private readonly worker: WorkerLike,
    private readonly handlers: EngineClientHandlers,
  ) {
    worker.onmessage = (event) => this.receive(event.data);
  }

  /**
   * Start the engine in its sandbox: a worker inside an invisible iframe with an opaque origin,
   * so user JavaScript never runs with Lowcraft's origin or the viewer's cookies (sandbox.ts).
   */
  static start(handlers: EngineClientHandlers, sandboxUrl?: string): EngineClient {
    return new EngineClient(new SandboxedWorker(sandboxUrl), handlers);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case "reply": {
        const waiter = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (!waiter) return;
        this.lastElapsedMs = message.elapsedMs;
        if (message.error !== undefined) waiter.reject(new EngineRequestError(message.error));
        else waiter.resolve(message);
        return;
      }
      case "update":
        this.handlers.update(message.update);
        return;
      case "effect":
        this.handlers.effect(message.effect);
        return;
      case "executeAction":
        this.handlers.executeAction(message.request).then(
          (result) =>
            this.worker.postMessage({ type: "actionResult", requestId: message.requestId, result: toCloneable(result) as ActionResult }),
          (error: unknown) =>
            this.worker.postMessage({
              type: "actionResult",
              requestId: message.requestId,
              result: { ok: false, data: undefined, error: error instanceof Error ? error.message : String(error) },
            }),
        );
        return;
      case "callServer": {
        const answer = (result: ActionResult): void =>
          this.worker.postMessage({ type: "actionResult", requestId: message.requestId, result: toCloneable(result) as ActionResult });
        const call = this.handlers.callServer;
        if (call === undefined) {
          answer({ ok: false, data: undefined, error: `${message.call.kind} is not available here` });
          return;
        }
        call(message.call).then(answer, (error: unknown) =>
          answer({ ok: false, data: undefined, error: error instanceof Error ? error.message : String(error) }),
        );
        return;
      }
      case "confirmAction":
        this.handlers.confirmAction(message.action).then(
          (confirmed) => this.worker.postMessage({ type: "confirmResult", requestId: message.requestId, confirmed }),
          () => this.worker.postMessage({ type: "confirmResult", requestId: message.requestId, confirmed: false }),
        );
        return;
      case "failed":
        this.failure = message.error;
        this.rejectWaiting(message.error);
        return;
    }
  }

  private request(request: EngineRequest): Promise<Reply> {
    const id = this.nextId++;
    if (this.failure !== null) return Promise.reject(new EngineRequestError(this.failure));
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as ToWorker);
    });
  }

  private async updateOf(request: EngineRequest): Promise<EvaluationUpdate> {
    const reply = await this.request(request);
    return reply.update ?? { values: {}, errors: {} };
  }

  load(manifests: readonly WidgetManifest[], page: PageDefinition, appsmith: AppsmithInit): Promise<EvaluationUpdate> {
    return this.updateOf({ type: "load", manifests, page, appsmith });
  }

  /** `item`: the list item whose copy of a template widget the user changed. */
  setMeta(widget: string, changes: Readonly<Record<string, unknown>>, item?: number): Promise<EvaluationUpdate> {
    return this.updateOf(item === undefined ? { type: "setMeta", widget, changes } : { type: "setMeta", widget, changes, item });
  }

  updateProperty(widget: string, name: string, raw: unknown): Promise<EvaluationUpdate> {
    return this.updateOf({ type: "updateProperty", widget, name, raw });
  }

  resetWidget(widget: string, resetChildren = true): Promise<EvaluationUpdate> {
    return this.updateOf({ type: "resetWidget", widget, resetChildren });
  }

  setUrl(href: string): Promise<EvaluationUpdate> {
    return this.updateOf({ type: "setUrl", href });
  }

  async runEvent(widget: string, event: string, extra: Readonly<Record<string, unknown>> = {}): Promise<unknown> {
    return (await this.request({ type: "runEvent", widget, event, extra })).result;
  }

  async runJsFunction(object: string, fn: string, args: readonly unknown[] = []): Promise<unknown> {
    return (await this.request({ type: "runJsFunction", object, fn, args })).result;
  }

  async runAction(action: string, params: Readonly<Record<string, unknown>> = {}): Promise<unknown> {
    return (await this.request({ type: "runAction", action, params })).result;
  }

  async runOnLoadActions(): Promise<void> {
    await this.request({ type: "runOnLoadActions" });
  }

  /**
   * Run the app's JS libraries in the worker (each once per worker), before the page's bindings
   * need them. Resolves with what each defined, and the error of each that failed to load.
   */
  async loadLibraries(libraries: readonly LibraryCode[]): Promise<LibraryLoad[]> {
    if (libraries.length === 0) return [];
    return (await this.request({ type: "loadLibraries", libraries })).result as LibraryLoad[];
  }

  /** Resolves once the worker is up and answering (its script loaded and compiled). */
  async ready(): Promise<void> {
    await this.request({ type: "ping" });
  }

  /** Run statements as an event handler would (the editor's console). */
  async evaluate(code: string): Promise<unknown> {
    return (await this.request({ type: "evaluate", code })).result;
  }

  dispose(): void {
    this.worker.terminate?.();
    this.rejectWaiting("the engine was stopped");
  }

  private rejectWaiting(reason: string): void {
    for (const waiter of this.waiting.values()) waiter.reject(new EngineRequestError(reason));
    this.waiting.clear();
  }
}
