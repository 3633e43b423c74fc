import { describe, expect, it } from "vitest";

import { emptyHistory, record, redo, undo, type History } from "./history";

function edits(count: number): { history: History<number>; current: number } {
  let history = emptyHistory<number>();
  for (let i = 0; i < count; i += 1) history = record(history, i, null, i * 10_000);
  return { history, current: count };
}

describe("undo and redo", () => {
  it("go back and forth through at least 50 steps", () => {
    let { history, current } = edits(60);
    for (let i = 0; i < 55; i += 1) {
      const step = undo(history, current);
      if (!step) throw new Error("nothing to undo");
      ({ history, state: current } = step);
    }
    expect(current).toBe(5);
    for (let i = 0; i < 55; i += 1) {
      const step = redo(history, current);
      if (!step) throw new Error("nothing to redo");
      ({ history, state: current } = step);
    }
    expect(current).toBe(60);
    expect(redo(history, current)).toBeNull();
  });

  it("forget the redo steps once a new change is made", () => {
    const { history, current } = edits(3);
    const back = undo(history, current);
    expect(back?.state).toBe(2);
    const changed = record(back!.history, back!.state, null, 99_000);
    expect(redo(changed, 7)).toBeNull();
  });

  it("merge quick edits of the same property into one step", () => {
    let h = emptyHistory<string>();
    h = record(h, "", "Text1.text", 0);
    h = record(h, "H", "Text1.text", 300);
    h = record(h, "He", "Text1.text", 600);
    h = record(h, "Hel", "Text1.label", 700);
    expect(h.past).toEqual(["", "Hel"]);
    expect(undo(h, "Hello")?.state).toBe("Hel");
  });

  it("keep a bounded number of steps", () => {
    let h = emptyHistory<number>();
    for (let i = 0; i < 150; i += 1) h = record(h, i, null, i * 10_000, 100);
    expect(h.past.length).toBe(100);
    expect(h.past[0]).toBe(50);
  });

  it("have nothing to undo at the start", () => {
    expect(undo(emptyHistory<number>(), 1)).toBeNull();
  });
});
