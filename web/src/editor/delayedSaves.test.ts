import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { DelayedSaves } from "./delayedSaves";

describe("saves that wait for a pause in typing", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("changes to one id within the delay are saved once, merged", async () => {
    const saved: [string, Record<string, unknown>][] = [];
    const saves = new DelayedSaves<Record<string, unknown>>(async (id, changes) => void saved.push([id, changes]), 500);
    saves.change("q1", { config: { sql: "select 1" } });
    await vi.advanceTimersByTimeAsync(300);
    saves.change("q1", { settings: { timeoutMs: 10 } });
    await vi.advanceTimersByTimeAsync(300);
    expect(saved).toEqual([]);
    expect(saves.size).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(saved).toEqual([["q1", { config: { sql: "select 1" }, settings: { timeoutMs: 10 } }]]);
    expect(saves.size).toBe(0);
  });

  test("flush saves what is pending now, and only once", async () => {
    const saved: string[] = [];
    const saves = new DelayedSaves<{ body: string }>(async (id, { body }) => void saved.push(`${id}:${body}`), 500);
    saves.change("js1", { body: "a" });
    saves.change("js1", { body: "ab" });
    saves.change("js2", { body: "x" });
    await saves.flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(saved.sort()).toEqual(["js1:ab", "js2:x"]);
  });

  test("a key another path now stores is left out of the waiting save; nothing left, nothing saved", async () => {
    const saved: [string, Record<string, unknown>][] = [];
    const saves = new DelayedSaves<Record<string, unknown>>(async (id, changes) => void saved.push([id, changes]), 500);
    saves.change("js1", { body: "typed before the room had it", settings: { runOnLoad: true } });
    saves.change("js2", { body: "only code" });
    saves.forget("js1", "body");
    saves.forget("js2", "body");
    saves.forget("js3", "body");
    expect(saves.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(saved).toEqual([["js1", { settings: { runOnLoad: true } }]]);
  });
});
