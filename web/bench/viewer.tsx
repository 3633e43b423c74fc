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
import { installKeystrokeProbe, showsAll } from "./keystrokeProbe";
import { benchPage } from "./page";

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

installKeystrokeProbe({
  widgetCount,
  /** The page is on screen: the boxes of the visible widgets (a few are hidden by bindings) are there and the echoes show the empty search. */
  ready: (): boolean => document.querySelectorAll("[data-widget]").length >= widgetCount * 0.8 && showsAll("") && document.querySelector('[data-widget="Search"] input') !== null,
  renderedWidgets: (): number => document.querySelectorAll("[data-widget]").length,
});

createRoot(document.getElementById("root") as HTMLElement).render(<ViewerRoute appKey="bench" pageSlug="page1" search="" />);
