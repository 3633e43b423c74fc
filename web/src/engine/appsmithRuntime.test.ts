/**
 * Appsmith's run-time semantics that imported apps rely on: the callback form of `Query.run`,
 * `Query.clear()`, a JS function's `.data` and its "run on page load" and "confirm before calling"
 * settings, widget setters and `name`, and event handlers that are not dependencies.
 */
import { describe, expect, test } from "vitest";

import { WIDGET_DERIVED } from "../widgets/derived";
import { Engine } from "./engine";
import type { ActionRequest, ActionResult } from "./host";
import type { PropertySpec } from "./manifest";
import type { ActionDefinition, JsObjectDefinition, WidgetNode } from "./page";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";

const manifests = loadManifests();

function run(request: ActionRequest): ActionResult {
  if (request.action === "failing") return { ok: false, data: undefined, error: "relation does not exist" };
  return { ok: true, data: [{ id: request.params["this.params.id"] ?? 1 }], statusCode: 200 };
}

function load(widgets: WidgetNode[], js: JsObjectDefinition[] = [], actions: ActionDefinition[] = []) {
  const host = new RecordingHost(run);
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host });
  const update = engine.load(
    page(
      [widget("Button1", "BUTTON_WIDGET", { onClick: "" }), ...widgets],
      [
        { name: "getOrder", config: { sql: "select * from orders where id = {{this.params.id}}" } },
        { name: "failing", config: { sql: "select * from nowhere" } },
        ...actions,
      ],
      js,
    ),
  );
  const click = async (handler: string) => {
    engine.updateProperty("Button1", "onClick", handler);
    await engine.runEvent("Button1", "onClick");
    await engine.settled();
  };
  return { engine, host, update, click };
}

describe("Query.run", () => {
  test("onSuccess gets the data and the params; this.params reaches the query's bindings", async () => {
    const { engine, host, click } = load([]);
    await click("{{ getOrder.run((rows, params) => storeValue('got', rows[0].id + '/' + params.id), () => showAlert('no'), { id: 7 }) }}");
    expect(host.requests[0]?.params).toEqual({ "this.params.id": 7 });
    expect(engine.get("appsmith.store.got")).toBe("7/7");
    expect(host.alerts()).toEqual([]);
  });

  test("onError gets the failure message instead of the error toast", async () => {
    const { engine, host, click } = load([]);
    await click("{{ failing.run(() => showAlert('ok'), (message) => storeValue('why', message)) }}");
    expect(engine.get("appsmith.store.why")).toBe("relation does not exist");
    expect(engine.get("failing.error")).toBe("relation does not exist");
    expect(host.alerts()).toEqual([]);
  });

  test("without onError a failure shows once and stops nothing", async () => {
    const { engine, host, click } = load([]);
    await click("{{ failing.run(() => showAlert('ok')); storeValue('after', true) }}");
    expect(engine.get("appsmith.store.after")).toBe(true);
    expect(host.alerts()).toEqual(["failing failed: relation does not exist"]);
  });

  test("the promise form and run(params) still resolve to the data", async () => {
    const { engine, click } = load([]);
    await click("{{ getOrder.run({ id: 3 }).then((rows) => storeValue('id', rows[0].id)) }}");
    expect(engine.get("appsmith.store.id")).toBe(3);
  });

  test("an error thrown in a callback is reported like a handler's", async () => {
    const { host, click } = load([]);
    await click("{{ getOrder.run(() => { throw new Error('boom') }) }}");
    expect(host.alerts()).toEqual(["getOrder.run onSuccess: boom"]);
  });

  test("clear() forgets data, error and responseMeta", async () => {
    const { engine, click } = load([widget("Text1", "TEXT_WIDGET", { text: "{{getOrder.data ? 'rows' : 'empty'}}" })]);
    await click("{{ getOrder.run({ id: 1 }) }}");
    expect(engine.get("Text1.text")).toBe("rows");
    await click("{{ getOrder.clear() }}");
    expect(engine.get("getOrder.data")).toBeUndefined();
    expect(engine.get("getOrder.error")).toBeUndefined();
    expect(engine.get("getOrder.responseMeta")).toEqual({ isExecutionSuccess: false });
    expect(engine.get("Text1.text")).toBe("empty");
  });
});

describe("JS functions", () => {
  const utils = (settings: JsObjectDefinition["settings"] = {}): JsObjectDefinition => ({
    name: "Utils",
    body: "export default { total(n) { return n * 2 }, async later() { return 'done' }, hello() { storeValue('hello', true); return 1 } }",
    settings,
  });

  test("a function's .data is its last result, awaited, and bindings follow", async () => {
    const { engine, click } = load([widget("Text1", "TEXT_WIDGET", { text: "{{Utils.total.data ?? 'none'}} {{Utils.later.data ?? ''}}" })], [utils()]);
    expect(engine.get("Text1.text")).toBe("none ");
    await click("{{ Utils.total(21); await Utils.later() }}");
    expect(engine.get("Utils.total.data")).toBe(42);
    expect(engine.get("Text1.text")).toBe("42 done");
  });

  test("reading .data of a function that reads the widget is no cycle", () => {
    const { engine } = load(
      [widget("Input1", "INPUT_WIDGET_V2", { defaultText: "{{Notes.save.data}}" })],
      [{ name: "Notes", body: "export default { save() { return Input1.text.trim() } }" }],
    );
    expect(engine.errorsOf("Input1.defaultText")).toEqual([]);
  });

  test("confirm before calling asks first, and a refusal stops the call", async () => {
    const { engine, host, click } = load([], [utils({ hello: { confirmBeforeRun: true } })]);
    host.confirmAnswer = false;
    await click("{{ Utils.hello() }}");
    expect(host.confirmations).toEqual(["Utils.hello"]);
    expect(engine.get("appsmith.store.hello")).toBeUndefined();
    host.confirmAnswer = true;
    await click("{{ Utils.hello() }}");
    expect(engine.get("appsmith.store.hello")).toBe(true);
  });

  test("functions set to run on page load run with the on-load actions, after the data they read", async () => {
    const { engine, host } = load([]);
    engine.load(
      page(
        [],
        [
          { name: "getOrder", config: { sql: "select 1" }, settings: { runOnPageLoad: true } },
          { name: "later", config: { sql: "select {{Start.init.data}}" }, settings: { runOnPageLoad: true } },
        ],
        [{ name: "Start", body: "export default { init() { storeValue('first', getOrder.data[0].id); return 'ready' } }", settings: { init: { runOnPageLoad: true } } }],
      ),
    );
    await engine.runOnLoadActions();
    expect(engine.get("appsmith.store.first")).toBe(1);
    expect(host.requests.map((r) => r.action)).toEqual(["getOrder", "later"]);
    expect(host.requests[1]?.params).toEqual({ "Start.init.data": "ready" });
  });
});

/** A valid value of a property's type that differs from `current`. */
function sampleFor(spec: PropertySpec | undefined, current: unknown): unknown {
  switch (spec?.type) {
    case "boolean":
      return current !== true;
    case "number":
      return 3;
    case "array":
      return [{ label: "x", value: "x" }];
    case "object":
      return { x: 1 };
    case "color":
      return "#112233";
    case "url":
      return "https://example.com/x.png";
    case "date":
      return "2026-01-02T00:00:00.000Z";
    case "enum":
      return spec.options?.find((o) => o !== current);
    default:
      return "https://example.com/x.png";
  }
}

describe("widget setters", () => {
  test("setters set their property, return promises, and bindings follow", async () => {
    const { engine, click } = load([
      widget("Input1", "INPUT_WIDGET_V2", { defaultText: "a" }),
      widget("Text1", "TEXT_WIDGET", { text: "{{Input1.text}}|{{Input1.isVisible}}|{{Input1.isDisabled}}" }),
    ]);
    await click("{{ await Input1.setValue('typed'); Input1.setVisibility(false); await Input1.setDisabled(true); storeValue('seen', Input1.text) }}");
    expect(engine.get("Input1.text")).toBe("typed");
    expect(engine.get("appsmith.store.seen")).toBe("typed");
    expect(engine.get("Text1.text")).toBe("typed|false|true");
  });

  test("a table's setData and setSelectedRowIndex, a select's setSelectedOption", async () => {
    const { engine, click } = load([
      widget("Table1", "TABLE_WIDGET_V2", { tableData: [] }),
      widget("Select1", "SELECT_WIDGET", { sourceData: [{ label: "A", value: "a" }, { label: "B", value: "b" }], defaultOptionValue: "a" }),
    ]);
    await click("{{ await Table1.setData([{ id: 1 }, { id: 2 }]); await Table1.setSelectedRowIndex(1); await Select1.setSelectedOption('b') }}");
    expect(engine.get("Table1.selectedRow")).toMatchObject({ id: 2 });
    expect(engine.get("Select1.selectedOptionValue")).toBe("b");
  });

  test("a setter in a data binding is an error, not a change", () => {
    const { engine } = load([widget("Input1", "INPUT_WIDGET_V2", {}), widget("Text1", "TEXT_WIDGET", { text: "{{Input1.setValue('x')}}" })]);
    expect(engine.errorsOf("Text1.text")[0]?.message).toContain("Input1.setValue() can only be called from an event handler");
  });

  test("every registered widget's setters exist on it and set the declared property", async () => {
    for (const manifest of manifests) {
      if (manifest.type === "CANVAS_WIDGET") continue;
      const props = Object.fromEntries(manifest.properties.filter((p) => p.default !== undefined).map((p) => [p.name, p.default]));
      const { engine } = load([widget("W1", manifest.type, props, manifest.children ? [] : undefined)]);
      for (const setter of manifest.setters ?? []) {
        const spec = manifest.properties.find((p) => p.name === setter.property);
        const value = sampleFor(spec, engine.get(`W1.${setter.property}`));
        const fn = engine.get(`W1.${setter.name}`) as (v: unknown) => Promise<void>;
        expect(typeof fn, `${manifest.type}.${setter.name}`).toBe("function");
        await engine.runHandler(`{{ W1.${setter.name}(${JSON.stringify(value)}) }}`, "test");
        expect(engine.get(`W1.${setter.property}`), `${manifest.type}.${setter.name}`).toEqual(value);
      }
    }
  });

  test("a widget carrying its own name key keeps it", () => {
    const { engine } = load([widget("Text1", "TEXT_WIDGET", { name: "legacy", text: "{{Text1.name}}" })]);
    expect(engine.get("Text1.text")).toBe("legacy");
  });

  test("every widget's name is readable: closeModal(Modal1.name) closes it", async () => {
    const { engine, host, click } = load([widget("Modal1", "MODAL_WIDGET", {}, []), widget("Text1", "TEXT_WIDGET", { text: "{{Modal1.name}}" })]);
    expect(engine.get("Text1.text")).toBe("Modal1");
    engine.setMeta("Modal1", { isOpen: true });
    await click("{{ closeModal(Modal1.name) }}");
    expect(engine.get("Modal1.isOpen")).toBe(false);
    expect(host.effects).toContainEqual({ kind: "closeModal", name: "Modal1" });
  });
});

describe("event handlers are not dependencies", () => {
  test("a handler reading a widget that its own widget feeds is no cycle", async () => {
    const { engine } = load([
      widget("Table1", "TABLE_WIDGET_V2", {
        tableData: [{ id: 1, name: "a" }, { id: 2, name: "b" }],
        onRowSelected: "{{ storeValue('typed', Input1.text) }}",
        primaryColumns: { name: { id: "name", label: "Name", columnType: "text", computedValue: "{{currentRow.name}}", onClick: "{{ showAlert(Input1.text) }}" } },
      }),
      widget("Input1", "INPUT_WIDGET_V2", { defaultText: "{{Table1.selectedRow.name}}" }),
    ]);
    expect([...engine.allErrors().values()].flat().filter((e) => e.kind === "cycle")).toEqual([]);
    engine.setMeta("Table1", { selectedRowIndex: 1 });
    expect(engine.get("Input1.text")).toBe("b");
    await engine.runEvent("Table1", "onRowSelected");
    expect(engine.get("appsmith.store.typed")).toBe("b");
  });
});
