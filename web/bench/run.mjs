#!/usr/bin/env node
/**
 * `npm run bench`: builds the benchmark page (bench/), serves it on 127.0.0.1, runs it in headless
 * Chromium (/usr/bin/chromium through playwright-core; no browser download) and prints the figures
 * with their ratios to the baseline and the targets. Then measures the published-app viewer end to
 * end (bench/viewer.html): real key presses in the search box of a page of 100, 300 and 1,000
 * widgets, from keydown to the DOM showing the ten bindings' new values, and the main thread's busy
 * time per keystroke. Then builds the app and measures the viewer's first-load JavaScript
 * (gzipped). Exits non-zero when a target is missed or a check fails.
 *
 *   npm run bench                # everything
 *   npm run bench -- --no-build  # reuse bench/dist and dist
 *   npm run bench -- --viewer    # only the viewer keystroke figures
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { chromium } from "playwright-core";

const WEB = fileURLToPath(new URL("..", import.meta.url));
const CHROMIUM = process.env.LOWCRAFT_CHROMIUM ?? "/usr/bin/chromium";
const TARGETS = { firstEvaluationMs: 300, keystrokeMs: 10, viewerKeystrokeMs: 10, viewerFirstLoadGzipKb: 350 };
const build = !process.argv.includes("--no-build");
const viewerOnly = process.argv.includes("--viewer");
const VIEWER_SIZES = [100, 300, 1000];
const VIEWER_KEYSTROKES = 40;
const VIEWER_WARMUP = 5;

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };

/**
 * The sandbox document's policy, as the server sends it (sandbox_policy in lowcraft/http/spa.py):
 * the engine is measured with the restrictions it runs under in the app.
 */
function sandboxPolicy(origin) {
  return `sandbox allow-scripts; default-src 'none'; script-src ${origin}/assets/ 'unsafe-eval'; worker-src blob:; connect-src 'none'; base-uri 'none'; form-action 'none'`;
}

function serve(root) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^([/\\])+/, "");
    let file = join(root, path || "bench/index.html");
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, "bench/index.html");
    const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream" };
    if (path === "sandbox/engine.html") headers["content-security-policy"] = sandboxPolicy(`http://${req.headers.host}`);
    // The sandbox's opaque origin loads its script cross-origin, as from the app's server.
    if (path.startsWith("assets/")) headers["access-control-allow-origin"] = "*";
    res.writeHead(200, headers);
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function npx(args) {
  execFileSync("npx", args, { cwd: WEB, stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * gzipped size of what a viewer downloads before the first paint: the entry, the viewer route and
 * their static imports (from Vite's manifest), the stylesheet, the engine's sandbox document with
 * its script, and the engine worker. Widget modules other than the common ones, charts (ECharts)
 * and the editor load later, on demand.
 */
function viewerFirstLoad(dist) {
  const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));
  const files = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit("index.html");
  visit("src/viewer/ViewerRoute.tsx");
  visit("sandbox/engine.html");
  files.add("sandbox/engine.html");
  for (const f of readdirSync(join(dist, "assets"))) if (/^worker-.*\.js$/.test(f)) files.add(`assets/${f}`);
  let total = 0;
  const parts = [];
  for (const f of files) {
    const bytes = gzipSync(readFileSync(join(dist, f))).length;
    total += bytes;
    parts.push(`${f.replace(/^assets\//, "")} ${(bytes / 1024).toFixed(1)} KB`);
  }
  return { kb: total / 1024, parts };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function p95(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? NaN;
}

/**
 * Keystrokes in the published viewer with `n` widgets: each key goes through Chromium's input
 * pipeline (CDP key events, as a user's would), the page times keydown -> DOM updated, and the
 * renderer's main-thread task time over the run (CDP Performance.TaskDuration) gives the busy time
 * per keystroke (it includes the benchmark's own small evaluate calls).
 */
async function measureViewer(browser, port, n, path = `bench/viewer.html?n=${n}`) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => console.error("viewer page error:", e.message));
  try {
    await page.goto(`http://127.0.0.1:${port}/${path}`);
    await page.waitForFunction(() => window.__viewerBench?.ready(), null, { timeout: 120_000, polling: 100 });
    await page.click('[data-widget="Search"] input');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const taskSeconds = async () => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration").value;
    let typed = "";
    const latencies = [];
    let busyBefore = 0;
    for (let i = 0; i < VIEWER_WARMUP + VIEWER_KEYSTROKES; i++) {
      if (i === VIEWER_WARMUP) busyBefore = await taskSeconds();
      const key = String.fromCharCode(97 + (i % 26));
      typed += key;
      await page.evaluate((t) => window.__viewerBench.arm(t), typed);
      await page.keyboard.press(key);
      const ms = await page.evaluate(() => window.__viewerBench.result());
      if (i >= VIEWER_WARMUP) latencies.push(ms);
    }
    const busyMs = ((await taskSeconds()) - busyBefore) * 1000;
    return { n, widgets: await page.evaluate(() => window.__viewerBench.renderedWidgets()), median: median(latencies), p95: p95(latencies), mainThreadMs: busyMs / VIEWER_KEYSTROKES };
  } finally {
    await page.close();
  }
}

const ratio = (a, b) => (b > 0 ? (a / b).toFixed(1) : "n/a");
const ms = (x) => `${x.toFixed(2)} ms`;

async function main() {
  if (!existsSync(CHROMIUM)) {
    console.error(`no Chromium at ${CHROMIUM} (set LOWCRAFT_CHROMIUM); apt-get install chromium`);
    process.exit(2);
  }
  if (build) npx(["vite", "build", "--config", "bench/vite.config.ts", "--logLevel", "warn"]);
  const server = await serve(join(WEB, "bench", "dist"));
  const { port } = server.address();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
  let r;
  const viewer = [];
  let floor;
  try {
    if (!viewerOnly) {
      const page = await browser.newPage();
      page.on("pageerror", (e) => console.error("page error:", e.message));
      await page.goto(`http://127.0.0.1:${port}/bench/index.html`);
      await page.waitForFunction(() => window.__benchResult !== undefined, null, { timeout: 120_000 });
      r = await page.evaluate(() => window.__benchResult);
      await page.close();
    }
    for (const n of VIEWER_SIZES) viewer.push(await measureViewer(browser, port, n));
    floor = await measureViewer(browser, port, 0, "bench/echo.html");
  } finally {
    await browser.close();
    server.close();
  }
  const failures = [];
  console.log(`viewer keystroke (published page, one Input read by 10 bindings; ${VIEWER_KEYSTROKES} real key presses each; keydown -> DOM updated):`);
  for (const v of viewer) {
    console.log(`  ${String(v.n).padStart(5)} widgets (${v.widgets} on screen): median ${ms(v.median)}, p95 ${ms(v.p95)}, main thread ${ms(v.mainThreadMs)} per keystroke`);
  }
  console.log(`  floor (the same keys into a bare input echoed through a worker into 10 text nodes; no React, no Lowcraft): median ${ms(floor.median)}, p95 ${ms(floor.p95)}`);
  const largest = viewer[viewer.length - 1];
  console.log(`  at ${largest.n} widgets Lowcraft adds ${ms(largest.median - floor.median)} to the floor`);
  console.log(`  target < ${TARGETS.viewerKeystrokeMs} ms at ${largest.n} widgets -> ${ratio(largest.median, TARGETS.viewerKeystrokeMs)} of target`);
  if (largest.median >= TARGETS.viewerKeystrokeMs) failures.push("viewer keystroke over target");
  if (viewerOnly) {
    if (failures.length > 0) {
      console.log(`FAILED: ${failures.join("; ")}`);
      process.exit(1);
    }
    return;
  }
  if (r.error) throw new Error(r.error);

  const f = r.firstEvaluation;
  const k = r.keystroke;
  const b = r.baseline;
  console.log(`engine benchmark in ${r.userAgent}`);
  console.log(`page: ${r.widgets} widgets, ${r.bindings} properties with bindings (${r.bindingSegments} {{ }} segments), ${r.searchReaders} bindings read Search.text, ${r.loadErrors} evaluation errors`);
  console.log(`first evaluation (load into a fresh worker, end to end incl. messaging; worker startup apart):`);
  console.log(`  first worker of the page: ${ms(f.coldEndToEndMs)} (in worker ${ms(f.coldInWorkerMs)}; + ${ms(f.coldWorkerStartupMs)} worker startup)`);
  console.log(`  median of ${f.allEndToEndMs.length} fresh workers: ${ms(f.medianEndToEndMs)} (in worker ${ms(f.medianInWorkerMs)}; + ${ms(f.medianWorkerStartupMs)} startup)`);
  console.log(`  baseline (compile + call every binding once, no engine) ${ms(b.firstEvaluationMs)}; ratio ${ratio(f.medianEndToEndMs, b.firstEvaluationMs)}x; target < ${TARGETS.firstEvaluationMs} ms -> ${ratio(f.medianEndToEndMs, TARGETS.firstEvaluationMs)} of target`);
  console.log(`keystroke in an Input read by ${r.searchReaders} bindings (${k.valuesChangedPerKeystroke} values change):`);
  console.log(`  median ${ms(k.medianEndToEndMs)}, p95 ${ms(k.p95EndToEndMs)} end to end (in worker ${ms(k.medianInWorkerMs)})`);
  console.log(`  baseline (call the ${r.searchReaders} bindings directly) ${ms(b.keystrokeMedianMs)}; ratio ${ratio(k.medianEndToEndMs, b.keystrokeMedianMs)}x; target < ${TARGETS.keystrokeMs} ms -> ${ratio(k.medianEndToEndMs, TARGETS.keystrokeMs)} of target`);
  console.log(`  messaging floor (an echo worker, no engine): ${ms(b.messageRoundTripMs)} round trip from the page; ${ms(b.sandboxedMessageRoundTripMs)} with the worker in a sandboxed frame, as the engine runs (another process)`);
  const c = r.checks;
  console.log(`isolation: fetch, typeof XMLHttpRequest,importScripts,indexedDB,WebSocket,navigator.storage in user code = ${c.workerReach}`);
  console.log(`endless loop stopped after ${ms(c.endlessLoopStoppedAfterMs)}, reported: ${c.endlessLoopReported}, worker alive: ${c.workerAliveAfterLoop}`);

  if (f.medianEndToEndMs >= TARGETS.firstEvaluationMs) failures.push("first evaluation over target");
  if (k.medianEndToEndMs >= TARGETS.keystrokeMs) failures.push("keystroke over target");
  if (r.loadErrors !== 0) failures.push("evaluation errors on the bench page");
  if (c.workerReach !== "guarded fetch,undefined,undefined,undefined,undefined,undefined") failures.push("worker not locked down");
  if (!c.endlessLoopReported || !c.workerAliveAfterLoop) failures.push("endless loop not handled");

  if (build) npx(["vite", "build", "--logLevel", "error"]);
  if (existsSync(join(WEB, "dist", ".vite", "manifest.json"))) {
    const js = viewerFirstLoad(join(WEB, "dist"));
    console.log(`viewer first-load JavaScript: ${js.kb.toFixed(1)} KB gzipped (target < ${TARGETS.viewerFirstLoadGzipKb} KB): ${js.parts.join(", ")}`);
    if (js.kb >= TARGETS.viewerFirstLoadGzipKb) failures.push("viewer bundle over target");
  }
  if (failures.length > 0) {
    console.log(`FAILED: ${failures.join("; ")}`);
    process.exit(1);
  }
  console.log("all targets met");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
