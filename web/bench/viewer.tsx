/**
 * The viewer benchmark page, run in headless Chromium by bench/run.mjs: the real published-app
 * route (ViewerRoute, PageView, widgets, engine worker) showing the benchmark page with `?n=`
 * widgets. The API is answered in the page (fetch is replaced), so nothing but the client runs.
 * bench/run.mjs types into `Search` with real key events; `__viewerBench.arm(text)` resolves with
 * the time from that keydown to the moment the DOM shows `text` in every `SearchEcho` widget.
 */
import { createRoot } from "react-dom/client";

import type { WidgetManifest } from "../src/engine/manifest";
import ViewerRoute from "../src/viewer/ViewerRoute";
import "../src/styles.css";
import { benchPage, SEARCH_READERS } from "./page";

const manifests = Object.values(
  import.meta.glob("../../lowcraft/widgets/manifests/*.json", { eager: true, import: "default" }),
) as WidgetManifest[];

const widgetCount = Number(new URLSearchParams(location.search).get("n") ?? "1000");
const page = benchPage(widgetCount);
const app = {
  id: "bench",
  slug: "bench",
  document: { application: { name: "Viewer benchmark" }, pages: [{ ...page, name: "Page1", slug: "page1", isDefault: true }] },
};

const json = (body: unknown, status = 200): Response => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const networkFetch = window.fetch.bind(window);
window.fetch = async (input: RequestInfo | URL): Promise<Response> => {
  const path = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, location.href).pathname;
  // The engine's own script (fetched once for the sandbox frame) comes from the bench server.
  if (!path.startsWith("/api/")) return networkFetch(input);
  if (path === "/api/v1/view/bench") return json(app);
  if (path === "/api/v1/widgets") return json({ widgets: manifests });
  if (path === "/api/v1/me") return json({ error: { code: "unauthenticated", message: "not logged in" } }, 401);
  return json({ error: { code: "not_found", message: path } }, 404);
};

let lastKeydown = 0;
document.addEventListener("keydown", (e) => (lastKeydown = e.timeStamp), { capture: true });

const echoes = (): HTMLElement[] =>
  Array.from({ length: SEARCH_READERS }, (_, i) => document.querySelector<HTMLElement>(`[data-widget="SearchEcho${i}"] .lc-text`)).filter(
    (e): e is HTMLElement => e !== null,
  );

const showsAll = (typed: string): boolean => {
  const shown = echoes();
  return shown.length === SEARCH_READERS && shown.every((e, i) => e.textContent === `${typed.toUpperCase()} #${i}`);
};

let pending: Promise<number> | null = null;

(window as unknown as { __viewerBench: unknown }).__viewerBench = {
  widgetCount,
  /** The page is on screen: the boxes of the visible widgets (a few are hidden by bindings) are there and the echoes show the empty search. */
  ready: (): boolean => document.querySelectorAll("[data-widget]").length >= widgetCount * 0.8 && showsAll("") && document.querySelector('[data-widget="Search"] input') !== null,
  renderedWidgets: (): number => document.querySelectorAll("[data-widget]").length,
  /** Call before the key press; `result()` then resolves once the DOM shows `typed`. */
  arm(typed: string): void {
    pending = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (!showsAll(typed)) return;
        observer.disconnect();
        resolve(performance.now() - lastKeydown);
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  },
  result: (): Promise<number> => pending ?? Promise.reject(new Error("not armed")),
};

createRoot(document.getElementById("root") as HTMLElement).render(<ViewerRoute appKey="bench" pageSlug="page1" search="" />);
