import { describe, expect, test } from "vitest";

import type { AlertStyle, Effect } from "../engine/host";
import { AppStore, type KeyValueStorage } from "./appStore";
import { applyEffect, downloadBlob, type EffectTargets } from "./effects";

class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

describe("the app store", () => {
  test("persisted values survive a reload, per application; session values do not", () => {
    const storage = new MemoryStorage();
    const store = new AppStore("app1", storage);
    store.apply({ kind: "storeValue", key: "token", value: "abc", persist: true });
    store.apply({ kind: "storeValue", key: "draft", value: { n: 1 }, persist: false });
    expect(store.values()).toEqual({ token: "abc", draft: { n: 1 } });
    expect(new AppStore("app1", storage).values()).toEqual({ token: "abc" });
    expect(new AppStore("app2", storage).values()).toEqual({});
  });

  test("removeValue and clearStore forget values", () => {
    const storage = new MemoryStorage();
    const store = new AppStore("a", storage);
    store.apply({ kind: "storeValue", key: "x", value: 1, persist: true });
    store.apply({ kind: "storeValue", key: "y", value: 2, persist: true });
    store.apply({ kind: "removeValue", key: "x" });
    expect(new AppStore("a", storage).values()).toEqual({ y: 2 });
    store.apply({ kind: "clearStore" });
    expect(new AppStore("a", storage).values()).toEqual({});
  });

  test("a corrupt entry opens as an empty store", () => {
    const storage = new MemoryStorage();
    storage.setItem("lowcraft.store.a", "{not json");
    expect(new AppStore("a", storage).values()).toEqual({});
  });
});

describe("effects in the page", () => {
  function targets() {
    const seen: string[] = [];
    const t: EffectTargets = {
      store: new AppStore("a", new MemoryStorage()),
      toast: (m: string, s: AlertStyle) => seen.push(`toast ${s}: ${m}`),
      navigateToPage: (target) => target === "Orders" && seen.push("page Orders") > 0,
      openUrl: (url, w) => seen.push(`open ${url} ${w ? "new" : "same"}`),
      downloadFile: (blob, name) => seen.push(`download ${name} ${blob.type} ${blob.size}`),
      copyText: async (text) => {
        seen.push(`copy ${text}`);
      },
      postToParent: (m, o) => seen.push(`post ${JSON.stringify(m)} ${o}`),
      log: (level, message) => seen.push(`${level} ${message}`),
      logout: (url) => seen.push(`logout -> ${url || "login"}`),
    };
    return { t, seen };
  }

  test("navigation goes to a page of the app, else to a safe URL with the params", () => {
    const { t, seen } = targets();
    const nav = (target: string, window: "SAME_WINDOW" | "NEW_WINDOW" = "SAME_WINDOW"): Effect => ({ kind: "navigateTo", target, params: { id: 3 }, window });
    applyEffect(nav("Orders"), t);
    applyEffect(nav("https://example.com/x", "NEW_WINDOW"), t);
    applyEffect(nav("javascript:alert(1)"), t);
    expect(seen).toEqual([
      "page Orders",
      "open https://example.com/x?id=3 new",
      "warn navigateTo: javascript:alert(1) is neither a page of this app nor an http(s) URL",
    ]);
  });

  test("alerts, downloads, clipboard and window messages reach their targets", async () => {
    const { t, seen } = targets();
    applyEffect({ kind: "showAlert", message: "Saved", style: "success" }, t);
    applyEffect({ kind: "download", data: "a,b\n1,2", fileName: "x.csv", fileType: "text/csv" }, t);
    applyEffect({ kind: "copyToClipboard", text: "42" }, t);
    applyEffect({ kind: "postWindowMessage", message: { a: 1 }, source: "window", targetOrigin: "*" }, t);
    applyEffect({ kind: "logoutUser", redirectUrl: "javascript:alert(1)" }, t);
    await Promise.resolve();
    expect(seen).toEqual(["toast success: Saved", "download x.csv text/csv 7", "copy 42", 'post {"a":1} *', "logout -> login"]);
  });

  test("a data: URL download is decoded to its bytes", async () => {
    const blob = downloadBlob("data:text/plain;base64,aGVsbG8=", "");
    expect(blob.type).toBe("text/plain");
    expect(await blob.text()).toBe("hello");
  });
});
