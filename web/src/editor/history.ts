/**
 * Undo and redo as two stacks of earlier states. Quick successive edits of the same thing (typing
 * into one property) share one step, so undo goes back a word's worth, not a letter.
 */
export const HISTORY_LIMIT = 100;
export const COALESCE_MS = 1000;

export interface History<T> {
  readonly past: readonly T[];
  readonly future: readonly T[];
  /** What the last step changed and when, to merge the next edit of the same thing into it. */
  readonly lastKey: string | null;
  readonly lastAt: number;
}

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [], lastKey: null, lastAt: 0 };
}

/** `before` was the state before a change; a change with the same key soon after joins its step. */
export function record<T>(h: History<T>, before: T, key: string | null, now: number, limit = HISTORY_LIMIT): History<T> {
  if (key !== null && key === h.lastKey && now - h.lastAt < COALESCE_MS && h.past.length > 0) {
    return { ...h, future: [], lastAt: now };
  }
  const past = [...h.past, before];
  return { past: past.length > limit ? past.slice(past.length - limit) : past, future: [], lastKey: key, lastAt: now };
}

/** The state to go back to and the history after it, or null when there is nothing to undo. */
export function undo<T>(h: History<T>, current: T): { state: T; history: History<T> } | null {
  const state = h.past.at(-1);
  if (state === undefined) return null;
  return { state, history: { past: h.past.slice(0, -1), future: [current, ...h.future], lastKey: null, lastAt: 0 } };
}

export function redo<T>(h: History<T>, current: T): { state: T; history: History<T> } | null {
  const state = h.future[0];
  if (state === undefined) return null;
  return { state, history: { past: [...h.past, current], future: h.future.slice(1), lastKey: null, lastAt: 0 } };
}
