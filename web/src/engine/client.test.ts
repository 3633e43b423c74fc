import { MessageChannel } from "node:worker_threads";
import { afterEach, describe, expect, test } from "vitest";

import { EngineClient, EngineRequestError, type WorkerLike } from "./client";
import type { ActionRequest, Effect, EvaluationUpdate } from "./host";
import { lockdown, FORBIDDEN_GLOBALS } from "./lockdown";
import { serveEngine, type EnginePort } from "./workerServer";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";

const manifests = loadManifests();
const channels: MessageChannel[] = [];

afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

/** The engine served on one end of a message channel, the client on the other: the worker protocol without a browser. */
function connect(executed: ActionRequest[] = []) {
  const channel = new MessageChannel();
  channels.push(channel);
  serveEngine(channel.port2 as unknown as EnginePort);
  const effects: Effect[] = [];
  const pushed: EvaluationUpdate[] = [];
  const client = new EngineClient(channel.port1 as unknown as WorkerLike, {
    update: (u) => pushed.push(u),
    effect: (e) => effects.push(e),
    executeAction: async (request) => {
      executed.push(request);
      return { ok: true, data: [{ id: 9, fn: () => 1 }] };
    },
    confirmAction: async () => true,
  });
  return { client, effects, pushed };
}

describe("the engine behind the worker protocol", () => {
  test("load and typing reply with updates the main thread can render", async () => {
    const { client } = connect();
    const first = await client.load(
      manifests,
      page([widget("Input1", "INPUT_WIDGET_V2", { defaultText: "a" }), widget("Text1", "TEXT_WIDGET", { text: "{{Input1.text}}!" })]),
      { url: "https://x.example/app/a/b" },
    );
    expect(first.snapshot?.["Text1"]?.["text"]).toBe("a!");
    const typed = await client.setMeta("Input1", { text: "ab" });
    expect(typed.values["Text1.text"]).toBe("ab!");
  });

  test("an event handler's action runs through the main thread and effects arrive as messages", async () => {
    const executed: ActionRequest[] = [];
    const { client, effects, pushed } = connect(executed);
    await client.load(
      manifests,
      page(
        [widget("Button1", "BUTTON_WIDGET", { onClick: "{{ q.run({ n: 2 }).then(rows => showAlert('rows: ' + rows.length)) }}" }), widget("Text1", "TEXT_WIDGET", { text: "{{q.data[0].id}}" })],
        [{ name: "q", config: { sql: "select {{this.params.n}}" } }],
      ),
      {},
    );
    await client.runEvent("Button1", "onClick");
    await new Promise((r) => setTimeout(r, 10));
    expect(executed.map((r) => r.params)).toEqual([{ "this.params.n": 2 }]);
    expect(effects).toContainEqual({ kind: "showAlert", message: "rows: 1", style: "info" });
    expect(pushed.some((u) => u.values["Text1.text"] === "9")).toBe(true);
  });

  test("a request the engine refuses rejects with its message", async () => {
    const { client } = connect();
    await client.load(manifests, page([]), {});
    await expect(client.setMeta("Missing1", { text: "x" })).rejects.toEqual(new EngineRequestError("widget Missing1 does not exist on this page"));
  });
});

describe("an engine that cannot start", () => {
  test("the sandbox's report rejects waiting and later requests with its reason", async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    const client = new EngineClient(channel.port1 as unknown as WorkerLike, {
      update: () => undefined,
      effect: () => undefined,
      executeAction: async () => ({ ok: true, data: undefined }),
      confirmAction: async () => true,
    });
    const waiting = client.ready();
    channel.port2.postMessage({ type: "failed", error: "the engine could not start: blocked by policy" });
    await expect(waiting).rejects.toEqual(new EngineRequestError("the engine could not start: blocked by policy"));
    await expect(client.load(manifests, page([]), {})).rejects.toEqual(new EngineRequestError("the engine could not start: blocked by policy"));
  });
});

describe("lockdown", () => {
  test("every forbidden global present is replaced by an unwritable undefined", () => {
    const fakeGlobal: Record<string, unknown> = { fetch: () => 1, XMLHttpRequest: class {}, Math, importScripts: () => 1 };
    expect(lockdown(fakeGlobal).sort()).toEqual(["XMLHttpRequest", "fetch", "importScripts"]);
    expect(fakeGlobal["fetch"]).toBeUndefined();
    expect(() => {
      "use strict";
      fakeGlobal["fetch"] = () => 2;
    }).toThrow(TypeError);
    expect(fakeGlobal["Math"]).toBe(Math);
    expect(FORBIDDEN_GLOBALS).toContain("indexedDB");
  });

  test("navigator becomes a frozen description of the browser, with no storage or permissions", () => {
    const fakeGlobal: Record<string, unknown> = { navigator: { userAgent: "Chromium", language: "fr", languages: ["fr", "en"], storage: {}, locks: {} } };
    expect(lockdown(fakeGlobal)).toEqual(["navigator"]);
    const seen = fakeGlobal["navigator"] as Record<string, unknown>;
    expect(seen).toMatchObject({ userAgent: "Chromium", language: "fr", languages: ["fr", "en"] });
    expect(seen["storage"]).toBeUndefined();
    expect(Object.isFrozen(seen)).toBe(true);
  });
});
