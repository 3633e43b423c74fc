/** Errors the engine raises into user code (event handlers see them as rejected promises). */

/** An action's execution failed on the server or in transport. */
export class ActionFailedError extends Error {
  constructor(
    readonly action: string,
    message: string,
  ) {
    super(`${action} failed: ${message}`);
    this.name = "ActionFailedError";
  }
}

/** The user declined to run an action marked "confirm before running". */
export class ActionCancelledError extends Error {
  constructor(readonly action: string) {
    super(`${action} was cancelled`);
    this.name = "ActionCancelledError";
  }
}

/** Side effects (running an action, triggers) were attempted from a data binding. */
export class SideEffectInBindingError extends Error {
  constructor(what: string) {
    super(`${what} can only be called from an event handler or a JS function, not from a data binding`);
    this.name = "SideEffectInBindingError";
  }
}

/** A name or entity the caller asked for does not exist on the page. */
export class UnknownEntityError extends Error {
  constructor(what: string) {
    super(`${what} does not exist on this page`);
    this.name = "UnknownEntityError";
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
