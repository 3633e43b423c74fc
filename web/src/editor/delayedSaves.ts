/**
 * Saves that wait for a pause in typing (a query's settings, a JS object's body): one pending save
 * per id, each change merged into it and the wait started over. `flush` saves everything pending
 * now (before a run, a rename, a publish); `size` says whether leaving would lose edits.
 */
export class DelayedSaves<Changes extends Record<string, unknown>> {
  private readonly pending = new Map<string, { timer: ReturnType<typeof setTimeout>; run: () => Promise<void>; changes: Changes }>();

  constructor(
    private readonly save: (id: string, changes: Changes) => Promise<void>,
    private readonly delayMs: number,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  change(id: string, changes: Changes): void {
    const before = this.pending.get(id);
    if (before) clearTimeout(before.timer);
    const merged = { ...(before?.changes ?? {}), ...changes } as Changes;
    const run = async (): Promise<void> => {
      const entry = this.pending.get(id);
      if (!entry || entry.run !== run) return;
      clearTimeout(entry.timer);
      this.pending.delete(id);
      await this.save(id, merged);
    };
    this.pending.set(id, { timer: setTimeout(() => void run(), this.delayMs), run, changes: merged });
  }

  /** Leaves `key` out of the save waiting for `id` (another path stores it now); nothing left, no save. */
  forget(id: string, key: keyof Changes): void {
    const entry = this.pending.get(id);
    if (!entry || !(key in entry.changes)) return;
    const rest = { ...entry.changes };
    delete rest[key];
    clearTimeout(entry.timer);
    this.pending.delete(id);
    if (Object.keys(rest).length > 0) this.change(id, rest);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.pending.values()].map((p) => p.run()));
  }
}
