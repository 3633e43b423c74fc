/**
 * Cutting off long-running synchronous user code.
 *
 * Chosen approach: code instrumentation. Every loop body in user code starts with a call to the
 * guard (inserted by `compile.ts`); the guard counts iterations and, every 1,024 of them, checks
 * how long the current task has been running. A task is measured from the first check after the
 * event loop last turned: the guard schedules a macrotask that disarms it, which can only run once
 * the thread is free again. So code that awaits a query legitimately starts a fresh budget, while a
 * `while (true) {}` (even in a promise chain that never yields) is stopped with an error after the
 * budget. Unbounded recursion already ends in a RangeError. This keeps the worker alive and its
 * state intact, which a terminate-and-restart watchdog would not.
 */

/** User code ran longer than the budget without yielding and was stopped. */
export class LongRunningCodeError extends Error {
  constructor(budgetMs: number) {
    super(`code ran for more than ${budgetMs} ms without finishing and was stopped (an endless loop?)`);
    this.name = "LongRunningCodeError";
  }
}

const CHECK_EVERY = 1024;

const nativeSetTimeout = globalThis.setTimeout.bind(globalThis);
const now = (): number => globalThis.performance.now();

let budgetMs = 2000;
let counter = 0;
let sliceStart = -1;

function disarm(): void {
  sliceStart = -1;
}

/** The guard function user code calls at the top of each loop body. */
export function loopGuard(): void {
  counter += 1;
  if (counter % CHECK_EVERY !== 0) return;
  const t = now();
  if (sliceStart < 0) {
    sliceStart = t;
    nativeSetTimeout(disarm, 0);
    return;
  }
  if (t - sliceStart > budgetMs) {
    // The next runaway loop in this same task gets a fresh budget rather than failing at once.
    sliceStart = t;
    throw new LongRunningCodeError(budgetMs);
  }
}

/** Set how long user code may run without yielding (milliseconds). */
export function setLoopBudget(ms: number): void {
  budgetMs = ms;
}

export function loopBudget(): number {
  return budgetMs;
}
