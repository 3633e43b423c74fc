/**
 * Autosave of a page's widget tree: a change is saved after a quiet moment, with the revision the
 * editor last saw. When someone else saved in between, the server refuses (409) and the saver
 * stops in a conflict: the edits stay here until the developer chooses to overwrite or to load
 * the other version. Nothing is ever dropped without that choice.
 */
import type { Widget } from "./tree";

export const AUTOSAVE_DELAY_MS = 800;

export type SaveStatus = "saved" | "unsaved" | "saving" | "conflict" | "error";

export interface SaveState {
  readonly status: SaveStatus;
  readonly revision: number;
  readonly message: string | null;
  /** Lint diagnostics of the last successful save. */
  readonly diagnostics: readonly unknown[];
}

/** The server side of saving (PUT /pages/{id}/dsl). */
export interface SaveTransport {
  save(dsl: Widget, revision: number): Promise<{ revision: number; diagnostics: readonly unknown[] }>;
}

/** A refusal because the page moved on (409 stale_revision). */
export class StaleRevisionError extends Error {
  constructor(readonly currentRevision: number | null) {
    super("This page was changed somewhere else since you opened it.");
    this.name = "StaleRevisionError";
  }
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class PageSaver {
  private pending: Widget | null = null;
  private timer: unknown = null;
  private inFlight: Promise<void> | null = null;
  private current: SaveState;

  constructor(
    private readonly transport: SaveTransport,
    revision: number,
    private readonly onState: (state: SaveState) => void,
    private readonly timers: Timers = { setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms), clearTimeout: (h) => globalThis.clearTimeout(h as number) },
    private readonly delayMs = AUTOSAVE_DELAY_MS,
  ) {
    this.current = { status: "saved", revision, message: null, diagnostics: [] };
  }

  get state(): SaveState {
    return this.current;
  }

  /** True while something is not saved yet (the leave warning asks then). */
  get hasUnsaved(): boolean {
    return this.pending !== null || this.current.status === "saving" || this.current.status === "conflict" || this.current.status === "error";
  }

  private set(state: Partial<SaveState>): void {
    this.current = { ...this.current, ...state };
    this.onState(this.current);
  }

  /** The tree changed: save it after a quiet moment (not while a conflict waits for a decision). */
  change(tree: Widget): void {
    this.pending = tree;
    if (this.current.status === "conflict") {
      this.onState(this.current);
      return;
    }
    this.set({ status: this.inFlight ? "saving" : "unsaved" });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
  }

  /** Save now what is pending (waits for a save already running first). */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inFlight) await this.inFlight;
    const tree = this.pending;
    if (tree === null || this.current.status === "conflict") return;
    this.pending = null;
    this.set({ status: "saving" });
    this.inFlight = this.transport.save(tree, this.current.revision).then(
      (saved) => {
        this.set({ status: this.pending ? "unsaved" : "saved", revision: saved.revision, message: null, diagnostics: saved.diagnostics });
      },
      (error: unknown) => {
        // Keep the tree: a newer edit wins, otherwise this one is retried or resolved.
        this.pending ??= tree;
        if (error instanceof StaleRevisionError) {
          this.set({
            status: "conflict",
            message: `${error.message} Your changes are kept here: overwrite the other version with yours, or load it and lose yours.`,
          });
          this.conflictRevision = error.currentRevision;
        } else {
          this.set({ status: "error", message: `Not saved: ${error instanceof Error ? error.message : String(error)}` });
        }
      },
    );
    try {
      await this.inFlight;
    } finally {
      this.inFlight = null;
    }
    if (this.pending !== null && this.current.status === "unsaved") this.schedule();
  }

  private conflictRevision: number | null = null;

  /** Resolve a conflict by saving our tree over the other version. */
  async overwrite(latestRevision?: number): Promise<void> {
    const revision = latestRevision ?? this.conflictRevision;
    if (this.current.status !== "conflict" || revision === null) return;
    this.set({ status: "unsaved", revision, message: null });
    await this.flush();
  }

  /** Try again after an error that was not a conflict. */
  async retry(): Promise<void> {
    if (this.current.status !== "error") return;
    this.set({ status: "unsaved", message: null });
    await this.flush();
  }

  /** Resolve a conflict by taking the server's version (the caller loads its tree). */
  discard(revision: number): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
    this.set({ status: "saved", revision, message: null });
  }

  /** The server's revision moved on because of our own request (a rename through refactor). */
  adopt(revision: number): void {
    this.set({ revision });
  }
}
