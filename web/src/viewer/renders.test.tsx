// @vitest-environment happy-dom
/**
 * The published page in a DOM (happy-dom) with the real engine: what React re-renders when values
 * change, and what a widget shows when the query it reads has failed.
 */
import { act, Profiler, type ComponentType } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, test, vi } from "vitest";

import { Engine } from "../engine/engine";
import { WIDGET_DERIVED } from "../widgets/derived";
import type { ActionResult } from "../engine/host";
import type { WidgetNode } from "../engine/page";
import { loadManifests } from "../testing/manifests";
import { page, widget } from "../testing/pages";
import { RecordingHost } from "../testing/recordingHost";
import type { WidgetProps } from "../widgets/types";
import { PageStore } from "./pageStore";
import { PageView } from "./PageView";

// Every widget component counts its renders, by widget name.
const renders = vi.hoisted(() => new Map<string, number>());
vi.mock("../widgets/registry", async (importOriginal) => {
  const original = await importOriginal<typeof import("../widgets/registry")>();
  const counted = (Widget: ComponentType<WidgetProps>) =>
    function Counted(props: WidgetProps) {
      renders.set(props.name, (renders.get(props.name) ?? 0) + 1);
      return <Widget {...props} />;
    };
  return { ...original, WIDGETS: Object.fromEntries(Object.entries(original.WIDGETS).map(([type, w]) => [type, counted(w)])) };
});

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const manifests = loadManifests();
let root: Root | null = null;

afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = "";
  renders.clear();
});

/** Render `dsl` from `engine`'s values; updates from the engine go to the page's store. */
function show(dsl: WidgetNode, engine: Engine, host: RecordingHost, onCommit: () => void = () => undefined) {
  const store = new PageStore();
  store.apply({ values: {}, errors: {}, snapshot: engine.widgetValues() });
  host.update = (update) => store.apply(update);
  const onMeta = (name: string, changes: Record<string, unknown>) => store.apply(engine.setMeta(name, changes));
  const onRetry = (action: string) => engine.runAction(action).catch(() => undefined);
  const container = document.createElement("div");
  document.body.append(container);
  root = createRoot(container);
  const onEvent = () => undefined;
  // Rendering again stands for the viewer re-rendering around the page (a toast appearing).
  const render = () =>
    act(() =>
      root?.render(
        <Profiler id="page" onRender={onCommit}>
          <PageView dsl={dsl} store={store} onMeta={onMeta} onEvent={onEvent} onRetry={onRetry} />
        </Profiler>,
      ),
    );
  render();
  return { store, onMeta, container, render };
}

const text = (container: HTMLElement, name: string): string | null | undefined => container.querySelector(`[data-widget="${name}"]`)?.textContent;

async function settle(): Promise<void> {
  // Lazily loaded widgets (the table) and the engine's scheduled updates.
  for (let i = 0; i < 5; i++) await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
}

describe("re-rendering a published page", () => {
  test("a keystroke re-renders only the widgets whose values changed, in one commit; the page around them none", () => {
    const echoes = Array.from({ length: 10 }, (_, i) => widget(`Echo${i}`, "TEXT_WIDGET", { text: `{{Search.text.toUpperCase()}} #${i}`, topRow: i + 1, bottomRow: i + 2 }));
    const others = Array.from({ length: 200 }, (_, i) => widget(`Other${i}`, "TEXT_WIDGET", { text: `{{'row ' + ${i}}}`, topRow: 20 + i, bottomRow: 21 + i }));
    const form = widget("Form1", "FORM_WIDGET", { topRow: 300, bottomRow: 320 }, [
      widget("Canvas1", "CANVAS_WIDGET", {}, [widget("Name", "INPUT_WIDGET_V2", { defaultText: "x" }), widget("Submit", "BUTTON_WIDGET", { text: "Send", disabledWhenInvalid: true })]),
    ]);
    const doc = page([widget("Search", "INPUT_WIDGET_V2", { defaultText: "" }), ...echoes, ...others, form]);
    const host = new RecordingHost();
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host });
    engine.load(doc);
    let commits = 0;
    const { onMeta, container, render } = show(doc.dsl, engine, host, () => (commits += 1));
    expect(renders.get("Other199")).toBe(1);
    render();
    expect(renders.get("Other199")).toBe(1);
    renders.clear();
    commits = 0;

    act(() => onMeta("Search", { text: "abc", inputText: "abc" }));

    expect(text(container, "Echo7")).toBe("ABC #7");
    expect([...renders.keys()].sort()).toEqual(["Search", ...echoes.map((e) => e.widgetName)].sort());
    expect([...renders.values()].every((n) => n === 1)).toBe(true);
    expect(commits).toBe(1);
  });

  test("a form follows the validity of the widgets inside it without re-rendering the page", () => {
    const doc = page([
      widget("Form1", "FORM_WIDGET", { topRow: 0, bottomRow: 30 }, [
        widget("Canvas1", "CANVAS_WIDGET", {}, [
          widget("Age", "INPUT_WIDGET_V2", { inputType: "NUMBER", defaultText: "5", minNum: 1, topRow: 0, bottomRow: 7 }),
          widget("Submit", "BUTTON_WIDGET", { text: "Send", disabledWhenInvalid: true, topRow: 8, bottomRow: 12 }),
        ]),
      ]),
      widget("Elsewhere", "TEXT_WIDGET", { text: "static", topRow: 40, bottomRow: 44 }),
    ]);
    const host = new RecordingHost();
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host });
    engine.load(doc);
    const { onMeta, container } = show(doc.dsl, engine, host);
    const button = () => container.querySelector<HTMLButtonElement>('[data-widget="Submit"] button');
    expect(button()?.disabled).toBe(false);
    renders.clear();
    act(() => onMeta("Age", { text: -3, inputText: "-3" }));
    expect(button()?.disabled).toBe(true);
    expect(renders.has("Elsewhere")).toBe(false);
  });
});

describe("a widget whose query failed", () => {
  function ordersPage(outcome: { ok: boolean }) {
    const host = new RecordingHost(
      (): ActionResult =>
        outcome.ok
          ? { ok: true, data: [{ id: 7, customer: "Ada" }], statusCode: 200 }
          : { ok: false, data: undefined, error: 'relation "orders" does not exist Check the query; the message above is the server\'s own.' },
    );
    const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host });
    const doc = page(
      [
        widget("Orders", "TABLE_WIDGET_V2", { tableData: "{{getOrders.data}}", topRow: 0, bottomRow: 40 }),
        widget("Heading", "TEXT_WIDGET", { text: "Orders", topRow: 41, bottomRow: 45 }),
      ],
      [{ name: "getOrders", config: { sql: "select * from orders" }, settings: { runOnPageLoad: true } }],
    );
    engine.load(doc);
    return { engine, host, doc };
  }

  test("shows the failure with the message and a Retry instead of an empty table", async () => {
    const outcome = { ok: false };
    const { engine, host, doc } = ordersPage(outcome);
    const { container } = show(doc.dsl, engine, host);
    await act(() => engine.runOnLoadActions());
    await settle();
    const orders = container.querySelector('[data-widget="Orders"]');
    expect(orders?.querySelector('[role="alert"]')?.textContent).toContain('Query getOrders failed: relation "orders" does not exist');
    expect(orders?.textContent).not.toContain("No rows");
    expect(text(container, "Heading")).toBe("Orders");

    outcome.ok = true;
    const retry = [...(orders?.querySelectorAll("button") ?? [])].find((b) => b.textContent === "Retry");
    expect(retry).toBeDefined();
    await act(async () => retry?.click());
    await settle();
    expect(host.requests).toHaveLength(2);
    expect(orders?.querySelector('[role="alert"]')).toBeNull();
    expect(orders?.textContent).toContain("Ada");
  });
});
