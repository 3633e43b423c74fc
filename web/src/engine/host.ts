/**
 * What the engine asks of the page that runs it. In the browser the engine runs in a Web Worker
 * and these become messages to the main thread (see protocol.ts); in tests and the benchmark a
 * plain object implements them.
 */

export type AlertStyle = "info" | "success" | "warning" | "error";

/** A side effect of user code that the main thread carries out. All fields are cloneable data. */
export type Effect =
  | { readonly kind: "showAlert"; readonly message: string; readonly style: AlertStyle }
  | {
      readonly kind: "navigateTo";
      readonly target: string;
      readonly params: Readonly<Record<string, unknown>>;
      readonly window: "SAME_WINDOW" | "NEW_WINDOW";
    }
  | { readonly kind: "storeValue"; readonly key: string; readonly value: unknown; readonly persist: boolean }
  | { readonly kind: "removeValue"; readonly key: string }
  | { readonly kind: "clearStore" }
  | { readonly kind: "showModal"; readonly name: string }
  | { readonly kind: "closeModal"; readonly name: string }
  | { readonly kind: "download"; readonly data: unknown; readonly fileName: string; readonly fileType: string }
  | { readonly kind: "copyToClipboard"; readonly text: string }
  | { readonly kind: "logoutUser"; readonly redirectUrl: string }
  | { readonly kind: "postWindowMessage"; readonly message: unknown; readonly source: string; readonly targetOrigin: string }
  | { readonly kind: "log"; readonly level: "error" | "warn" | "info"; readonly message: string; readonly source: string };

/** What the main thread needs to run an action: the binding values, keyed by binding source. */
export interface ActionRequest {
  readonly action: string;
  readonly actionId?: string | undefined;
  readonly params: Readonly<Record<string, unknown>>;
  readonly timeoutMs?: number | undefined;
}

/**
 * A call of one of the platform's server functions (workflows, the requests inbox), made by a
 * global function in user code (`triggerWorkflow`, `getWorkflowRequests`, `resolveWorkflowRequest`).
 * The main thread runs it with the page's credentials (runtime/serverCalls.ts).
 */
export type ServerCall =
  | {
      readonly kind: "triggerWorkflow";
      readonly workflow: string;
      readonly data: unknown;
      /** true: resolve with the run's outcome when it ends; false: with the run's id at once. */
      readonly wait: boolean;
    }
  | { readonly kind: "getWorkflowRequests" }
  | { readonly kind: "resolveWorkflowRequest"; readonly requestId: string; readonly resolution: string; readonly note?: string | undefined };

export interface ActionResult {
  readonly ok: boolean;
  readonly data: unknown;
  readonly statusCode?: string | number | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly error?: string | undefined;
  readonly durationMs?: number | undefined;
}

/** An evaluation's outcome: new values of the changed keys and the errors now known per key. */
export interface EvaluationUpdate {
  /** `Entity.property` -> value, for each value that changed. */
  readonly values: Readonly<Record<string, unknown>>;
  /** `Entity.property` -> its errors; an empty list means the key's previous errors are gone. */
  readonly errors: Readonly<Record<string, readonly EvaluationError[]>>;
  /** After loading a page: every widget's values by widget name (then `values` is empty). */
  readonly snapshot?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * Widget name -> the failed actions whose data its bindings read (directly or through a JS
   * object), for each widget whose list changed; an empty list means none of them fails now.
   */
  readonly actionErrors?: Readonly<Record<string, readonly ActionFailure[]>>;
}

/** The last run of `action` failed with `message` (the server's message and hint). */
export interface ActionFailure {
  readonly action: string;
  readonly message: string;
}

export interface EvaluationError {
  readonly kind: "syntax" | "runtime" | "validation" | "cycle";
  readonly message: string;
}

export interface EngineHost {
  /** A side effect to carry out; never awaited. */
  effect(effect: Effect): void;
  /** Run an action on the server; rejects only on transport failure. */
  executeAction(request: ActionRequest): Promise<ActionResult>;
  /** Run one of the platform's server functions; `ok: false` carries the server's message. */
  callServer(call: ServerCall): Promise<ActionResult>;
  /** Ask the user before running an action marked "confirm before running". */
  confirmAction(action: string): Promise<boolean>;
  /** New values after an evaluation that was not started by a synchronous engine call. */
  update(update: EvaluationUpdate): void;
}
