/**
 * The benchmark page, run in headless Chromium by bench/run.mjs. It starts the real engine worker
 * (in its sandbox document and locked down, as in the app), loads the 1,000-widget page, types
 * into the search box, and compares with a baseline measured in the same run: the same binding
 * code compiled with `new Function` and called directly, with no dependency graph, validation or
 * messaging.
 */
import { EngineClient } from "../src/engine/client";
import { Engine } from "../src/engine/engine";
import { WIDGET_DERIVED } from "../src/widgets/derived";
import type { ActionResult, Effect } from "../src/engine/host";
import type { WidgetManifest } from "../src/engine/manifest";
import { splitSegments } from "../src/engine/segments";
import { benchPage, countBindings, SEARCH_READERS } from "./page";
import type { WidgetNode } from "../src/engine/page";

const manifests = Object.values(
  import.meta.glob("../../lowcraft/widgets/manifests/*.json", { eager: true, import: "default" }),
) as WidgetManifest[];

const LOADS = 5;
const KEYSTROKES = 60;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? NaN;
}

function startClient(effects: Effect[]): EngineClient {
  return EngineClient.start({
    update: () => undefined,
    effect: (e) => effects.push(e),
    executeAction: async (): Promise<ActionResult> => ({ ok: true, data: [] }),
    confirmAction: async () => true,
  });
}

/** Every binding source of the page's widgets, with the widget it belongs to. */
function bindingSources(dsl: WidgetNode): string[] {
  const out: string[] = [];
  const visit = (node: WidgetNode): void => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === "string" && v.includes("{{") && !/^on[A-Z]/.test(k)) {
        for (const s of splitSegments(v)) if (s.isBinding) out.push(s.source);
      }
    }
    for (const c of node.children ?? []) visit(c);
  };
  visit(dsl);
  return out;
}

/** The floor: compile and call every binding once against plain values. */
function baseline(sources: string[], scope: Record<string, unknown>): number {
  const started = performance.now();
  for (const src of sources) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      new Function("scope", `with (scope) { return (${src}\n); }`)(scope);
    } catch {
      /* the baseline does not care about errors */
    }
  }
  return performance.now() - started;
}

async function run(): Promise<Record<string, unknown>> {
  const page = benchPage();
  const counts = countBindings(page);
  const firstLoad: { endToEnd: number; worker: number; startup: number }[] = [];
  let snapshot: Record<string, Record<string, unknown>> = {};
  let errorCount = 0;
  for (let i = 0; i < LOADS; i++) {
    const created = performance.now();
    const client = startClient([]);
    await client.ready();
    const started = performance.now();
    const update = await client.load(manifests, page, { url: location.href });
    firstLoad.push({ endToEnd: performance.now() - started, worker: client.lastElapsedMs, startup: started - created });
    snapshot = update.snapshot as Record<string, Record<string, unknown>>;
    errorCount = Object.keys(update.errors).length;
    client.dispose();
  }

  const effects: Effect[] = [];
  const client = startClient(effects);
  await client.load(manifests, page, { url: location.href });
  const keystroke: { endToEnd: number; worker: number; changed: number }[] = [];
  let typed = "";
  for (let i = 0; i < KEYSTROKES; i++) {
    typed += String.fromCharCode(97 + (i % 26));
    const started = performance.now();
    const update = await client.setMeta("Search", { text: typed });
    keystroke.push({ endToEnd: performance.now() - started, worker: client.lastElapsedMs, changed: Object.keys(update.values).length });
  }
  const echo = (await client.evaluate("{{ SearchEcho0.text }}")) as string;

  // Isolation: what user code can reach in the worker, and the long-running-code guard. `fetch` is
  // the engine's wrapper (event handlers only, no credentials), never the worker's own, and
  // `navigator` a plain snapshot without storage, as in Appsmith (engine/lockdown.ts, triggers.ts).
  const reach = await client.evaluate(
    "{{ [String(fetch).includes('[native code]') ? 'native fetch' : 'guarded fetch', typeof XMLHttpRequest, typeof importScripts, typeof indexedDB, typeof WebSocket, typeof navigator.storage].join(',') }}",
  );
  const loopStarted = performance.now();
  await client.evaluate("{{ (() => { while (true) {} })() }}");
  const loopMs = performance.now() - loopStarted;
  const stillAlive = await client.evaluate("{{ 1 + 1 }}");
  client.dispose();

  // Baseline, same run: the page's binding code without the engine.
  // The same user code as the page's JS object, so both sides pay for it.
  const utils = { suffix: "!", fmt(n: number) { return n.toLocaleString("en-US") + this.suffix; }, label: (g: number) => `Auto ${g}` };
  const scope: Record<string, unknown> = { ...snapshot, getData: { data: page.actions?.[0]?.data }, Utils: utils, appsmith: { store: {}, theme: { colors: {}, borderRadius: {}, boxShadow: {} } } };
  const sources = bindingSources(page.dsl);
  const baselineFirst = baseline(sources, scope);
  const readers = sources.filter((s) => s.includes("Search.text"));
  // Browsers round timers to 0.1 ms: time 100 keystrokes at once and divide.
  const baselineKeys: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    for (let j = 0; j < 100; j++) {
      (scope["Search"] as Record<string, unknown>)["text"] = "x".repeat(j + 1);
      baseline(readers, scope);
    }
    baselineKeys.push((performance.now() - started) / 100);
  }

  const firstE2E = firstLoad.map((l) => l.endToEnd);
  const firstWorker = firstLoad.map((l) => l.worker);
  const keyE2E = keystroke.map((k) => k.endToEnd);
  const keyWorker = keystroke.map((k) => k.worker);
  return {
    userAgent: navigator.userAgent,
    widgets: counts.widgets,
    bindings: counts.bindings,
    bindingSegments: sources.length,
    searchReaders: readers.length,
    loadErrors: errorCount,
    firstEvaluation: {
      coldEndToEndMs: firstE2E[0],
      coldInWorkerMs: firstWorker[0],
      coldWorkerStartupMs: firstLoad[0]?.startup,
      medianWorkerStartupMs: median(firstLoad.map((l) => l.startup)),
      medianEndToEndMs: median(firstE2E),
      medianInWorkerMs: median(firstWorker),
      allEndToEndMs: firstE2E,
    },
    keystroke: {
      medianEndToEndMs: median(keyE2E),
      p95EndToEndMs: p95(keyE2E),
      medianInWorkerMs: median(keyWorker),
      valuesChangedPerKeystroke: median(keystroke.map((k) => k.changed)),
    },
    baseline: {
      firstEvaluationMs: baselineFirst,
      keystrokeMedianMs: median(baselineKeys),
      messageRoundTripMs: await messageFloor(false),
      sandboxedMessageRoundTripMs: await messageFloor(true),
    },
    checks: {
      searchEchoAfterTyping: echo,
      workerReach: reach,
      endlessLoopStoppedAfterMs: loopMs,
      endlessLoopReported: effects.some((e) => e.kind === "log" && /ran for more than/.test(e.message)),
      workerAliveAfterLoop: stillAlive === 2,
    },
    searchReadersExpected: SEARCH_READERS,
  };
}

/**
 * The messaging floor under the keystroke figure, same run: median round trip of a keystroke-sized
 * message to an echo worker and back, with no engine. `sandboxed`: the worker lives in an
 * `allow-scripts` sandboxed frame, as the engine does (Chromium runs such frames in a process of
 * their own, so each message crosses processes); otherwise a plain worker of the page.
 */
async function messageFloor(sandboxed: boolean): Promise<number> {
  const echo = "onmessage = (e) => { const port = e.ports[0]; port.onmessage = (m) => port.postMessage(m.data); };";
  const channel = new MessageChannel();
  let frame: HTMLIFrameElement | null = null;
  if (sandboxed) {
    frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.style.cssText = "position:fixed;width:1px;height:1px;opacity:0;border:0";
    frame.srcdoc = `<script>onmessage = (e) => { const w = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(echo)}]))); w.postMessage(null, [e.ports[0]]); };<\/script>`;
    const loaded = new Promise((resolve) => frame?.addEventListener("load", resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    frame.contentWindow?.postMessage(null, "*", [channel.port2]);
  } else {
    new Worker(URL.createObjectURL(new Blob([echo]))).postMessage(null, [channel.port2]);
  }
  const port = channel.port1;
  const roundTrip = (): Promise<number> =>
    new Promise((resolve) => {
      const started = performance.now();
      port.onmessage = () => resolve(performance.now() - started);
      port.postMessage({ type: "setMeta", widget: "Search", changes: { text: "abcdef" } });
    });
  const times: number[] = [];
  for (let i = 0; i < 60; i++) times.push(await roundTrip());
  port.close();
  frame?.remove();
  return median(times.slice(10));
}

/** `?inline`: one load on the main thread, for profiling with DevTools (no worker in the way). */
async function runInline(): Promise<Record<string, unknown>> {
  const engine = new Engine({
    derived: WIDGET_DERIVED,
    manifests,
    host: { effect: () => undefined, update: () => undefined, executeAction: async () => ({ ok: true, data: [] }), confirmAction: async () => true, callServer: async () => ({ ok: false, data: undefined }) },
  });
  const started = performance.now();
  engine.load(benchPage());
  return { inlineLoadMs: performance.now() - started };
}

(location.search.includes("inline") ? runInline() : run()).then(
  (result) => {
    (window as unknown as { __benchResult: unknown }).__benchResult = result;
    document.getElementById("out")!.textContent = JSON.stringify(result, null, 2);
  },
  (error: unknown) => {
    (window as unknown as { __benchResult: unknown }).__benchResult = { error: String(error) };
  },
);
