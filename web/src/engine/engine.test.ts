import { beforeEach, describe, expect, test } from "vitest";

import { WIDGET_DERIVED } from "../widgets/derived";
import { Engine } from "./engine";
import type { ActionRequest, ActionResult } from "./host";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";

const manifests = loadManifests();

function engineWith(host = new RecordingHost()): { engine: Engine; host: RecordingHost } {
  return { engine: new Engine({ derived: WIDGET_DERIVED, manifests, host, appsmith: { url: "https://apps.example.com/app/orders/list?id=7", theme: { primaryColor: "#112233" } } }), host };
}

describe("failed actions", () => {
  function failingPage(outcome: { ok: boolean }) {
    const host = new RecordingHost(() =>
      outcome.ok
        ? { ok: true, data: [{ id: 1 }], statusCode: 200, headers: { "x-rows": "1" } }
        : { ok: false, data: undefined, statusCode: "42P01", error: 'relation "orders" does not exist' },
    );
    const { engine } = engineWith(host);
    engine.load(
      page(
        [
          widget("Orders", "TABLE_WIDGET_V2", { tableData: "{{getOrders.data}}" }),
          widget("Summary", "TEXT_WIDGET", { text: "{{Utils.count()}} orders" }),
          widget("Busy", "TEXT_WIDGET", { text: "{{getOrders.isLoading ? 'loading' : ''}}" }),
          widget("Problem", "TEXT_WIDGET", { text: "{{getOrders.error}}" }),
          widget("Other", "TEXT_WIDGET", { text: "{{getUsers.data}}" }),
        ],
        [
          { name: "getOrders", config: { sql: "select * from orders" }, settings: { runOnPageLoad: true } },
          { name: "getUsers", config: { sql: "select * from users" } },
        ],
        [{ name: "Utils", body: "export default { count() { return (getOrders.data ?? []).length } }" }],
      ),
    );
    return { engine, host };
  }

  test("Query.error and Query.responseMeta tell bindings why the last run failed", async () => {
    const { engine } = failingPage({ ok: false });
    await engine.runOnLoadActions();
    expect(engine.get("getOrders.error")).toBe('relation "orders" does not exist');
    expect(engine.get("Problem.text")).toBe('relation "orders" does not exist');
    expect(engine.get("getOrders.responseMeta")).toMatchObject({ isExecutionSuccess: false, statusCode: "42P01" });
  });

  test("the widgets reading a failed action's data learn it, directly or through a JS object", async () => {
    const { engine, host } = failingPage({ ok: false });
    await engine.runOnLoadActions();
    const failure = { action: "getOrders", message: 'relation "orders" does not exist' };
    const published = Object.assign({}, ...host.updates.map((u) => u.actionErrors ?? {})) as Record<string, unknown>;
    // Busy reads only isLoading and Problem only the error: they show the failure their own way.
    expect(published).toEqual({ Orders: [failure], Summary: [failure] });
  });

  test("a successful retry clears the failure and fills the data", async () => {
    const outcome = { ok: false };
    const { engine, host } = failingPage(outcome);
    await engine.runOnLoadActions();
    outcome.ok = true;
    host.updates.length = 0;
    await engine.runAction("getOrders");
    await engine.settled();
    expect(engine.get("getOrders.error")).toBeUndefined();
    expect(engine.get("getOrders.responseMeta")).toMatchObject({ isExecutionSuccess: true, statusCode: 200, headers: { "x-rows": "1" } });
    expect(engine.get("Summary.text")).toBe("1 orders");
    const published = Object.assign({}, ...host.updates.map((u) => u.actionErrors ?? {})) as Record<string, unknown>;
    expect(published).toEqual({ Orders: [], Summary: [] });
  });

  test("a failure is published once, not with every later update", async () => {
    const { engine } = failingPage({ ok: false });
    await engine.runOnLoadActions();
    const update = engine.setMeta("Orders", { selectedRowIndex: 0 });
    expect(Object.keys(update.values)).toContain("Orders.selectedRowIndex");
    expect(update.actionErrors).toBeUndefined();
  });
});

describe("first evaluation", () => {
  test("bindings, text with bindings, manifest defaults and the appsmith global are evaluated", () => {
    const { engine } = engineWith();
    engine.load(
      page([
        widget("Input1", "INPUT_WIDGET_V2", { defaultText: "Ada" }),
        widget("Text1", "TEXT_WIDGET", { text: "Hello {{Input1.text}}, order {{appsmith.URL.queryParams.id}}" }),
        widget("Text2", "TEXT_WIDGET", { text: "{{ [1, 2, 3].map(n => n * 2) }}" }),
      ]),
    );
    expect(engine.get("Text1.text")).toBe("Hello Ada, order 7");
    expect(engine.get("Input1.accentColor")).toBe("#112233");
    expect(engine.get("Input1.label")).toBe("Label");
    expect(engine.errorsOf("Text2.text")).toEqual([expect.objectContaining({ kind: "validation" })]);
  });

  test("derived values follow meta state: the selected row of a table", () => {
    const { engine } = engineWith();
    engine.load(
      page([
        widget("Table1", "TABLE_WIDGET_V2", { tableData: [{ id: 1 }, { id: 2 }], defaultSelectedRowIndex: 1 }),
        widget("Text1", "TEXT_WIDGET", { text: "{{Table1.selectedRow.id}}" }),
      ]),
    );
    expect(engine.get("Text1.text")).toBe("2");
    engine.setMeta("Table1", { selectedRowIndex: 0 });
    expect(engine.get("Text1.text")).toBe("1");
  });
});

describe("incremental re-evaluation", () => {
  test("typing re-evaluates only what depends on the input", () => {
    const { engine } = engineWith();
    engine.load(
      page([
        widget("Input1", "INPUT_WIDGET_V2", { defaultText: "" }),
        widget("Input2", "INPUT_WIDGET_V2", { defaultText: "x" }),
        widget("Text1", "TEXT_WIDGET", { text: "{{Input1.text.length}}" }),
        widget("Text2", "TEXT_WIDGET", { text: "{{Input2.text}}" }),
      ]),
    );
    const update = engine.setMeta("Input1", { text: "abc" });
    expect(engine.get("Text1.text")).toBe("3");
    expect(Object.keys(update.values).sort()).toEqual(
      // isValid was true and stays true: nothing downstream of it is re-evaluated.
      ["Input1.isDirty", "Input1.text", "Input1.value", "Text1.text"].sort(),
    );
  });

  test("values are computed in dependency order through chains", () => {
    const { engine } = engineWith();
    engine.load(
      page([
        widget("Text3", "TEXT_WIDGET", { text: "{{Text2.text + '!'}}" }),
        widget("Text2", "TEXT_WIDGET", { text: "{{Text1.text + Text1.text}}" }),
        widget("Text1", "TEXT_WIDGET", { text: "{{Input1.text}}" }),
        widget("Input1", "INPUT_WIDGET_V2", { defaultText: "a" }),
      ]),
    );
    expect(engine.get("Text3.text")).toBe("aa!");
    engine.setMeta("Input1", { text: "b" });
    expect(engine.get("Text3.text")).toBe("bb!");
  });

  test("a change of a meta value's default resets what the user entered", () => {
    const { engine } = engineWith();
    engine.load(
      page([
        widget("Select1", "SELECT_WIDGET", { defaultOptionValue: "RED" }),
        widget("Input1", "INPUT_WIDGET_V2", { defaultText: "{{Select1.selectedOptionValue}}" }),
      ]),
    );
    engine.setMeta("Input1", { text: "typed" });
    expect(engine.get("Input1.text")).toBe("typed");
    engine.setMeta("Select1", { value: "BLUE" });
    expect(engine.get("Input1.text")).toBe("BLUE");
  });

  test("editing a property re-wires its dependencies", () => {
    const { engine } = engineWith();
    engine.load(page([widget("Input1", "INPUT_WIDGET_V2", { defaultText: "a" }), widget("Input2", "INPUT_WIDGET_V2", { defaultText: "b" }), widget("Text1", "TEXT_WIDGET", { text: "{{Input1.text}}" })]));
    engine.updateProperty("Text1", "text", "{{Input2.text}}");
    expect(engine.get("Text1.text")).toBe("b");
    const update = engine.setMeta("Input1", { text: "changed" });
    expect(update.values).not.toHaveProperty("Text1.text");
  });
});

describe("loading", () => {
  test("loading another page replaces the previous one entirely", () => {
    const { engine } = engineWith();
    engine.load(page([widget("Old1", "TEXT_WIDGET", { text: "{{Nope.x}}" })]));
    const second = engine.load(page([widget("New1", "TEXT_WIDGET", { text: "{{1 + 1}}" })]));
    expect(Object.keys(second.snapshot ?? {}).sort()).toEqual(["MainContainer", "New1"]);
    expect(second.errors).toEqual({});
    expect(engine.get("Old1.text")).toBeUndefined();
  });

  test("an action's prefetched result is its data from the start", () => {
    const { engine } = engineWith();
    engine.load(page([widget("Text1", "TEXT_WIDGET", { text: "{{q.data.length}}" })], [{ name: "q", config: {}, data: [1, 2, 3] }]));
    expect(engine.get("Text1.text")).toBe("3");
  });
});

describe("cycles", () => {
  test("properties in a cycle get an error naming the cycle; the rest of the page works", () => {
    const { engine } = engineWith();
    engine.load(
      page([
        widget("Text1", "TEXT_WIDGET", { text: "{{Text2.text}}" }),
        widget("Text2", "TEXT_WIDGET", { text: "{{Text1.text}}" }),
        widget("Text3", "TEXT_WIDGET", { text: "fine" }),
      ]),
    );
    expect(engine.errorsOf("Text1.text")[0]?.message).toMatch(/cyclic dependency: .*Text[12]\.text -> .*Text[12]\.text/);
    expect(engine.errorsOf("Text2.text")[0]?.kind).toBe("cycle");
    expect(engine.get("Text3.text")).toBe("fine");
  });

  test("breaking the cycle clears the error", () => {
    const { engine } = engineWith();
    engine.load(page([widget("Text1", "TEXT_WIDGET", { text: "{{Text2.text}}" }), widget("Text2", "TEXT_WIDGET", { text: "{{Text1.text}}" })]));
    engine.updateProperty("Text2", "text", "plain");
    expect(engine.errorsOf("Text1.text")).toEqual([]);
    expect(engine.get("Text1.text")).toBe("plain");
  });

  test("a recursive JS function is not a cycle", () => {
    const { engine } = engineWith();
    engine.load(
      page([widget("Text1", "TEXT_WIDGET", { text: "{{Utils.fact(5)}}" })], [], [
        { name: "Utils", body: "export default {\n fact(n) { return n <= 1 ? 1 : n * this.fact(n - 1) }\n}" },
      ]),
    );
    expect(engine.get("Text1.text")).toBe("120");
  });
});

describe("errors never crash the page", () => {
  test("runtime, syntax and validation errors are reported per property and fall back to the default", () => {
    const { engine } = engineWith();
    engine.load(
      page([
        widget("Text1", "TEXT_WIDGET", { text: "{{Nope.value}}" }),
        widget("Text2", "TEXT_WIDGET", { text: "{{ 1 + }}" }),
        widget("Input1", "INPUT_WIDGET_V2", { maxChars: "{{'ten'}}", label: "{{Input1.placeholderText}}" }),
      ]),
    );
    expect(engine.errorsOf("Text1.text")).toEqual([{ kind: "runtime", message: "Nope is not defined" }]);
    expect(engine.errorsOf("Text2.text")[0]?.kind).toBe("syntax");
    expect(engine.errorsOf("Input1.maxChars")[0]).toEqual({
      kind: "validation",
      message: 'Input1.maxChars: expected a finite number, got "ten"',
    });
    expect(engine.get("Input1.maxChars")).toBeUndefined();
    expect(engine.get("Input1.label")).toBe("Type here");
  });

  test("fixing the problem clears the error in the next update", () => {
    const { engine } = engineWith();
    engine.load(page([widget("Text1", "TEXT_WIDGET", { text: "{{Nope.value}}" })]));
    const update = engine.updateProperty("Text1", "text", "{{'ok'}}");
    expect(update.errors["Text1.text"]).toEqual([]);
    expect(engine.errorsOf("Text1.text")).toEqual([]);
  });

  test("async code in a data binding is an error, not a pending promise", () => {
    const { engine } = engineWith();
    engine.load(page([widget("Text1", "TEXT_WIDGET", { text: "{{(async () => 1)()}}" })]));
    expect(engine.errorsOf("Text1.text")[0]?.message).toMatch(/cannot use async/);
  });

  test("side effects are refused in data bindings", () => {
    const { engine, host } = engineWith();
    engine.load(page([widget("Text1", "TEXT_WIDGET", { text: "{{getOrders.run()}}" })], [{ name: "getOrders", config: { sql: "select 1" } }]));
    expect(engine.errorsOf("Text1.text")[0]?.message).toMatch(/only be called from an event handler/);
    expect(host.requests).toEqual([]);
  });

  test("an edited event handler is kept as code, not evaluated as a binding", () => {
    const { engine, host } = engineWith();
    engine.load(page([widget("Button1", "BUTTON_WIDGET", { onClick: "" })], [{ name: "getOrders", config: { sql: "select 1" } }]));
    const update = engine.updateProperty("Button1", "onClick", "{{getOrders.run(); showAlert('saved')}}");
    expect(Object.values(update.errors).flat()).toEqual([]);
    expect(engine.errorsOf("Button1.onClick")).toEqual([]);
    expect(engine.get("Button1.onClick")).toBe("{{getOrders.run(); showAlert('saved')}}");
    expect(host.requests).toEqual([]);
  });
});

describe("JS objects", () => {
  const body = `export default {
  count: 0,
  items: [],
  label: "n=",
  inc() { this.count += 1; return this.count },
  add(x) { this.items.push(x) },
  show() { return this.label + this.count },
  async later() { await Promise.resolve(); this.count = 100; return "done" },
}`;

  let engine: Engine;
  let host: RecordingHost;
  beforeEach(() => {
    ({ engine, host } = engineWith());
    engine.load(
      page(
        [
          widget("Text1", "TEXT_WIDGET", { text: "{{Counter.show()}}" }),
          widget("Text2", "TEXT_WIDGET", { text: "{{Counter.items.length}}" }),
          widget("Button1", "BUTTON_WIDGET", { onClick: "{{Counter.inc(); Counter.add('x')}}" }),
        ],
        [],
        [{ name: "Counter", body }],
      ),
    );
  });

  test("variables keep state that functions mutate through `this`, and bindings follow", async () => {
    expect(engine.get("Text1.text")).toBe("n=0");
    await engine.runEvent("Button1", "onClick");
    await engine.settled();
    expect(engine.get("Counter.count")).toBe(1);
    expect(engine.get("Text1.text")).toBe("n=1");
    expect(engine.get("Text2.text")).toBe("1");
    expect(host.updates.some((u) => u.values["Text1.text"] === "n=1")).toBe(true);
  });

  test("async functions resolve and their later mutations are seen", async () => {
    await expect(engine.runJsFunction("Counter", "later")).resolves.toBe("done");
    await engine.settled();
    expect(engine.get("Text1.text")).toBe("n=100");
  });
});

describe("triggers", () => {
  function orders(request: ActionRequest): ActionResult {
    if (request.action === "failing") return { ok: false, data: undefined, error: "relation does not exist" };
    return { ok: true, data: [{ id: 1, status: request.params["Select1.selectedOptionValue"] ?? null, p: request.params["this.params.limit"] ?? null }], statusCode: 200 };
  }

  function load(handler: string, extraWidgets: ReturnType<typeof widget>[] = []) {
    const host = new RecordingHost(orders);
    const { engine } = engineWith(host);
    engine.load(
      page(
        [
          widget("Select1", "SELECT_WIDGET", { defaultOptionValue: "RED" }),
          widget("Button1", "BUTTON_WIDGET", { onClick: handler }),
          widget("Text1", "TEXT_WIDGET", { text: "{{getOrders.data.length ? getOrders.data[0].status : 'none'}}" }),
          widget("Modal1", "MODAL_WIDGET", {}),
          ...extraWidgets,
        ],
        [
          { name: "getOrders", config: { sql: "select * from orders where status = {{Select1.selectedOptionValue}} limit {{this.params.limit}}" } },
          { name: "failing", config: { sql: "select * from nowhere" } },
          { name: "guarded", config: { sql: "delete from t" }, settings: { confirmBeforeRun: true } },
        ],
      ),
    );
    return { engine, host };
  }

  test("Query.run(params) posts binding values keyed by source, with this.params, and fills data", async () => {
    const { engine, host } = load("{{ const rows = await getOrders.run({ limit: 5 }); showAlert('got ' + rows.length, 'success') }}");
    await engine.runEvent("Button1", "onClick");
    await engine.settled();
    expect(host.requests).toEqual([
      { action: "getOrders", actionId: undefined, params: { "Select1.selectedOptionValue": "RED", "this.params.limit": 5 }, timeoutMs: undefined },
    ]);
    expect(engine.get("Text1.text")).toBe("RED");
    expect(engine.get("getOrders.isLoading")).toBe(false);
    expect(engine.get("getOrders.responseMeta.isExecutionSuccess")).toBe(true);
    expect(host.effects).toContainEqual({ kind: "showAlert", message: "got 1", style: "success" });
  });

  test("a failing action rejects, shows one toast and sets responseMeta", async () => {
    const { engine, host } = load("{{ failing.run().catch(e => storeValue('err', e.message)) }}");
    await engine.runEvent("Button1", "onClick");
    await engine.settled();
    expect(engine.get("failing.responseMeta")).toMatchObject({ isExecutionSuccess: false, error: "relation does not exist" });
    expect(engine.get("appsmith.store.err")).toBe("failing failed: relation does not exist");
    expect(host.alerts()).toEqual(["failing failed: relation does not exist"]);
  });

  test("an action that asks for confirmation does not run when the user declines", async () => {
    const { engine, host } = load("{{ guarded.run() }}");
    host.confirmAnswer = false;
    await engine.runEvent("Button1", "onClick");
    expect(host.requests).toEqual([]);
    expect(host.effects).toContainEqual(expect.objectContaining({ kind: "log", message: "guarded was cancelled" }));
  });

  test("store values are visible at once and announced for persistence", async () => {
    const { engine, host } = load("{{ storeValue('a', 1); storeValue('b', {x: 2}, false); removeValue('a'); showAlert(JSON.stringify(appsmith.store)) }}");
    await engine.runEvent("Button1", "onClick");
    expect(host.alerts()).toEqual(['{"b":{"x":2}}']);
    expect(host.effects.filter((e) => e.kind !== "showAlert")).toEqual([
      { kind: "storeValue", key: "a", value: 1, persist: true },
      { kind: "storeValue", key: "b", value: { x: 2 }, persist: false },
      { kind: "removeValue", key: "a" },
    ]);
  });

  test("modals, navigation, downloads, clipboard and window messages become effects", async () => {
    const { engine, host } = load(
      "{{ showModal('Modal1'); navigateTo('Orders', {id: 3}, 'NEW_WINDOW'); download('a,b', 'x.csv', 'text/csv'); copyToClipboard(42); postWindowMessage({hi: 1}, 'window', 'https://parent.example'); }}",
    );
    await engine.runEvent("Button1", "onClick");
    await engine.settled();
    expect(engine.get("Modal1.isOpen")).toBe(true);
    expect(host.effects.map((e) => e.kind)).toEqual(["showModal", "navigateTo", "download", "copyToClipboard", "postWindowMessage"]);
    expect(host.effects[1]).toEqual({ kind: "navigateTo", target: "Orders", params: { id: 3 }, window: "NEW_WINDOW" });
  });

  test("resetWidget puts meta state back to its default", async () => {
    const { engine } = load("{{ resetWidget('Select1') }}");
    engine.setMeta("Select1", { value: "BLUE" });
    await engine.runEvent("Button1", "onClick");
    expect(engine.get("Select1.selectedOptionValue")).toBe("RED");
    expect(engine.get("Select1.isDirty")).toBe(false);
  });

  test("what a handler changes before resetWidget still reaches the page", async () => {
    const { engine, host } = load("{{ closeModal('Modal1'); resetWidget('Select1') }}");
    engine.setMeta("Modal1", { isOpen: true });
    engine.setMeta("Select1", { value: "BLUE" });
    await engine.runEvent("Button1", "onClick");
    await engine.settled();
    const published = Object.assign({}, ...host.updates.map((u) => u.values)) as Record<string, unknown>;
    expect(published["Modal1.isOpen"]).toBe(false);
    expect(published["Select1.selectedOptionValue"]).toBe("RED");
  });

  test("setInterval runs a callback until clearInterval", async () => {
    const { engine } = load("{{ setInterval(() => storeValue('ticks', (appsmith.store.ticks || 0) + 1), 5, 'poll') }}");
    await engine.runEvent("Button1", "onClick");
    await new Promise((r) => setTimeout(r, 40));
    await engine.runHandler("{{ clearInterval('poll') }}", "test");
    const ticks = engine.get("appsmith.store.ticks") as number;
    expect(ticks).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.get("appsmith.store.ticks")).toBe(ticks);
  });

  test("an event property without a binding is text, not code", async () => {
    const { engine, host } = load("showAlert('not code')");
    await engine.runEvent("Button1", "onClick");
    expect(host.effects).toEqual([]);
  });

  test("an error in a handler is reported, not thrown", async () => {
    const { engine, host } = load("{{ undefinedThing.go() }}");
    await expect(engine.runEvent("Button1", "onClick")).resolves.toBeUndefined();
    expect(host.alerts()).toEqual(["Button1.onClick: undefinedThing is not defined"]);
  });

  test("on-load actions run in dependency order, independent ones together", async () => {
    const started: string[] = [];
    const finished: string[] = [];
    const host = new RecordingHost(async (req) => {
      started.push(req.action);
      await new Promise((r) => setTimeout(r, 10));
      finished.push(req.action);
      return { ok: true, data: [{ id: req.action }] };
    });
    const { engine } = engineWith(host);
    engine.load(
      page(
        [widget("Table1", "TABLE_WIDGET_V2", { tableData: "{{first.data}}" })],
        [
          { name: "second", config: { sql: "select {{Table1.selectedRow.id}}" }, settings: { runOnPageLoad: true } },
          { name: "first", config: { sql: "select 1" }, settings: { runOnPageLoad: true } },
          { name: "other", config: { sql: "select 2" }, settings: { runOnPageLoad: true } },
          { name: "manual", config: { sql: "select 3" } },
        ],
      ),
    );
    await engine.runOnLoadActions();
    expect(started.slice(0, 2).sort()).toEqual(["first", "other"]);
    expect(started[2]).toBe("second");
    expect(finished.indexOf("first")).toBeLessThan(started.indexOf("second"));
    expect(host.requests.find((r) => r.action === "second")?.params).toEqual({ "Table1.selectedRow.id": "first" });
  });
});
