/** The browser globals user code gets where Appsmith has them: `fetch` in triggers only, crypto. */
import { describe, expect, test, vi } from "vitest";

const requests = vi.hoisted(() => {
  const seen: { url: unknown; init: RequestInit | undefined }[] = [];
  // Stands in for the network (the engine captures fetch when its module loads).
  globalThis.fetch = (async (url: unknown, init?: RequestInit) => {
    seen.push({ url, init });
    return new Response(JSON.stringify({ ok: 1 }), { headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return seen;
});

import { WIDGET_DERIVED } from "../widgets/derived";
import { Engine } from "./engine";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";
import { ensureRandomUUID } from "./triggers";

function load() {
  const host = new RecordingHost();
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests: loadManifests(), host });
  engine.load(
    page(
      [widget("Text1", "TEXT_WIDGET", { text: "{{Api.inData()}}" })],
      [],
      [{ name: "Api", body: "export default { async get() { const r = await fetch('https://api.example.com/x', { credentials: 'include' }); return (await r.json()).ok }, inData() { return fetch('https://api.example.com/y') } }" }],
    ),
  );
  return { engine, host };
}

describe("fetch", () => {
  test("a JS function called from a trigger can fetch, and never sends credentials", async () => {
    const { engine } = load();
    await expect(engine.runJsFunction("Api", "get")).resolves.toBe(1);
    expect(requests.at(-1)).toMatchObject({ url: "https://api.example.com/x", init: { credentials: "omit" } });
  });

  test("a data binding cannot fetch, directly or through a JS function", () => {
    const before = requests.length;
    const { engine } = load();
    expect(engine.errorsOf("Text1.text")[0]?.message).toContain("fetch() can only be called from an event handler");
    expect(requests.length).toBe(before);
  });

  test("an event handler can fetch", async () => {
    const { engine } = load();
    await engine.runHandler("{{ fetch('https://api.example.com/z').then((r) => r.json()).then((b) => storeValue('b', b.ok)) }}", "test");
    expect(engine.get("appsmith.store.b")).toBe(1);
  });
});

describe("crypto, atob and btoa", () => {
  test("randomUUID, getRandomValues and base64 are available to bindings", () => {
    const host = new RecordingHost();
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests: loadManifests(), host });
    engine.load(page([widget("Text1", "TEXT_WIDGET", { text: "{{crypto.randomUUID().length}} {{crypto.getRandomValues(new Uint8Array(4)).length}} {{atob(btoa('hi'))}}" })]));
    expect(engine.get("Text1.text")).toBe("36 4 hi");
  });

  test("randomUUID is supplied where the browser lacks it (outside a secure context)", () => {
    const partial = { getRandomValues: <T extends ArrayBufferView>(a: T) => globalThis.crypto.getRandomValues(a as never) as T } as unknown as Crypto;
    const target = { crypto: partial };
    ensureRandomUUID(target);
    const id = target.crypto.randomUUID();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(target.crypto.randomUUID()).not.toBe(id);
  });
});
