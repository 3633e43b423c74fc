import { describe, expect, it } from "vitest";

import { AppStore } from "./appStore";
import { guardedStorage, MemoryStorage } from "./storage";

const refused = (): Storage => {
  throw new DOMException("Access is denied for this document.", "SecurityError");
};

/** A storage that works until `broken` is set, as when the user clears site data mid-session. */
class Flaky extends MemoryStorage {
  broken = false;
  override getItem(key: string): string | null {
    if (this.broken) throw new DOMException("gone", "SecurityError");
    return super.getItem(key);
  }
  override setItem(key: string, value: string): void {
    if (this.broken) throw new DOMException("gone", "QuotaExceededError");
    super.setItem(key, value);
  }
}

describe("the page's storage", () => {
  it("keeps values in memory when the browser refuses storage (a viewer embedded cross-site)", () => {
    const storage = guardedStorage(refused);
    expect(storage.getItem("missing")).toBeNull();
    storage.setItem("lowcraft.store.app1", '{"theme":"dark"}');
    expect(storage.getItem("lowcraft.store.app1")).toBe('{"theme":"dark"}');
    storage.removeItem("lowcraft.store.app1");
    expect(storage.getItem("lowcraft.store.app1")).toBeNull();
  });

  it("lets an app's store open and remember values without browser storage", () => {
    const store = new AppStore("app1", guardedStorage(refused));
    store.apply({ kind: "storeValue", key: "filter", value: "new", persist: true });
    expect(store.values()).toEqual({ filter: "new" });
  });

  it("writes through to the browser's storage while it works", () => {
    const real = new MemoryStorage();
    const storage = guardedStorage(() => real);
    storage.setItem("k", "v");
    expect(real.getItem("k")).toBe("v");
  });

  it("goes on from memory, with what it read and wrote, once the browser's storage starts failing", () => {
    const real = new Flaky();
    real.setItem("read", "before");
    const storage = guardedStorage(() => real);
    expect(storage.getItem("read")).toBe("before");
    storage.setItem("written", "1");
    real.broken = true;
    expect(storage.getItem("read")).toBe("before");
    expect(storage.getItem("written")).toBe("1");
    storage.setItem("later", "2");
    expect(storage.getItem("later")).toBe("2");
  });
});
