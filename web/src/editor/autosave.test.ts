import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { PageSaver, StaleRevisionError, type SaveState } from "./autosave";
import type { Widget } from "./tree";

const tree = (text: string): Widget => ({ widgetId: "0", widgetName: "MainContainer", type: "CANVAS_WIDGET", children: [], text });

/** A page on a "server": saves succeed when the revision matches, as PUT /pages/{id}/dsl does. */
class ServerPage {
  revision = 3;
  saved: Widget | null = null;
  calls = 0;
  async save(dsl: Widget, revision: number) {
    this.calls += 1;
    if (revision !== this.revision) throw new StaleRevisionError(this.revision);
    this.revision += 1;
    this.saved = dsl;
    return { revision: this.revision, diagnostics: [] };
  }
}

describe("autosave", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("saves once after a burst of edits, with the revision it saw", async () => {
    const server = new ServerPage();
    const states: SaveState[] = [];
    const saver = new PageSaver(server, 3, (s) => states.push(s), undefined, 500);
    saver.change(tree("a"));
    saver.change(tree("ab"));
    expect(saver.state.status).toBe("unsaved");
    expect(saver.hasUnsaved).toBe(true);
    await vi.advanceTimersByTimeAsync(600);
    expect(server.calls).toBe(1);
    expect(server.saved?.["text"]).toBe("ab");
    expect(saver.state).toMatchObject({ status: "saved", revision: 4 });
    expect(saver.hasUnsaved).toBe(false);
  });

  it("on a conflict keeps the edits and saves them only when told to overwrite", async () => {
    const server = new ServerPage();
    const saver = new PageSaver(server, 3, () => undefined, undefined, 500);
    server.revision = 5; // someone else saved twice meanwhile
    saver.change(tree("mine"));
    await vi.advanceTimersByTimeAsync(600);
    expect(saver.state.status).toBe("conflict");
    expect(saver.state.message).toMatch(/changed somewhere else/);
    saver.change(tree("mine, more"));
    await vi.advanceTimersByTimeAsync(2000);
    expect(server.saved).toBeNull();
    expect(saver.hasUnsaved).toBe(true);
    await saver.overwrite();
    expect(server.saved?.["text"]).toBe("mine, more");
    expect(saver.state).toMatchObject({ status: "saved", revision: 6 });
  });

  it("can give up its edits for the other version", async () => {
    const server = new ServerPage();
    const saver = new PageSaver(server, 1, () => undefined, undefined, 500);
    saver.change(tree("mine"));
    await vi.advanceTimersByTimeAsync(600);
    saver.discard(3);
    expect(saver.state).toMatchObject({ status: "saved", revision: 3 });
    expect(saver.hasUnsaved).toBe(false);
  });

  it("keeps a failed save and retries it", async () => {
    const server = new ServerPage();
    let fail = true;
    const saver = new PageSaver(
      { save: (d, r) => (fail ? Promise.reject(new Error("offline")) : server.save(d, r)) },
      3,
      () => undefined,
      undefined,
      500,
    );
    saver.change(tree("x"));
    await vi.advanceTimersByTimeAsync(600);
    expect(saver.state).toMatchObject({ status: "error", message: "Not saved: offline" });
    fail = false;
    await saver.retry();
    expect(server.saved?.["text"]).toBe("x");
  });

  it("saves edits made while a save was running, after it", async () => {
    const server = new ServerPage();
    const saver = new PageSaver(server, 3, () => undefined, undefined, 500);
    saver.change(tree("1"));
    const first = saver.flush();
    saver.change(tree("2"));
    await first;
    await vi.advanceTimersByTimeAsync(600);
    expect(server.saved?.["text"]).toBe("2");
    expect(server.revision).toBe(5);
  });
});
