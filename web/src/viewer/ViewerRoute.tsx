/**
 * A published application at `/app/{app}/{page}`: loads the document and the widget manifests,
 * runs the page in the engine worker, shows its widgets, and carries out their effects.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { api, ApiError } from "../api/http";
import { EngineClient } from "../engine/client";
import type { AlertStyle, EvaluationError, EvaluationUpdate } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import type { AppTheme, PageDefinition, WidgetNode } from "../engine/page";
import { AppStore } from "../runtime/appStore";
import { applyEffect } from "../runtime/effects";
import { executeOnServer } from "../runtime/serverActions";
import { PageView } from "./PageView";

interface DocumentPage extends PageDefinition {
  readonly name: string;
  readonly slug: string;
  readonly isDefault?: boolean;
  readonly hidden?: boolean;
}

interface PublishedApp {
  readonly id: string;
  readonly slug: string;
  readonly document: {
    readonly application: { readonly name: string; readonly theme?: AppTheme; readonly settings?: { readonly navigation?: string } };
    readonly pages: readonly DocumentPage[];
  };
}

interface Toast {
  readonly id: number;
  readonly message: string;
  readonly style: AlertStyle;
}

type Widgets = Record<string, Record<string, unknown>>;

/** Apply an engine update to the widgets' values (new objects only for widgets that changed). */
export function applyUpdate(widgets: Widgets, update: EvaluationUpdate): Widgets {
  if (update.snapshot) return { ...(update.snapshot as Widgets) };
  const next = { ...widgets };
  for (const [key, value] of Object.entries(update.values)) {
    const dot = key.indexOf(".");
    const name = key.slice(0, dot);
    if (!(name in next)) continue;
    next[name] = { ...next[name], [key.slice(dot + 1)]: value };
  }
  return next;
}

function mergeErrors(errors: Record<string, readonly EvaluationError[]>, update: EvaluationUpdate): Record<string, readonly EvaluationError[]> {
  const next = update.snapshot ? {} : { ...errors };
  for (const [k, list] of Object.entries(update.errors)) {
    if (list.length === 0) delete next[k];
    else next[k] = list;
  }
  return next;
}

function pageFor(app: PublishedApp, slug: string | undefined): DocumentPage | undefined {
  const pages = app.document.pages;
  return pages.find((p) => p.slug === slug || p.name === slug) ?? pages.find((p) => p.isDefault) ?? pages[0];
}

export default function ViewerRoute({ appKey, pageSlug }: { appKey: string; pageSlug: string | undefined }) {
  const [app, setApp] = useState<PublishedApp | null>(null);
  const [manifests, setManifests] = useState<WidgetManifest[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [slug, setSlug] = useState(pageSlug);
  const [widgets, setWidgets] = useState<Widgets>({});
  const [errors, setErrors] = useState<Record<string, readonly EvaluationError[]>>({});
  const [toasts, setToasts] = useState<Toast[]>([]);
  const engine = useRef<EngineClient | null>(null);

  useEffect(() => {
    Promise.all([api<PublishedApp>(`/view/${encodeURIComponent(appKey)}`), api<{ widgets: WidgetManifest[] }>("/widgets")]).then(
      ([published, w]) => {
        setApp(published);
        setManifests(w.widgets);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) {
          window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
          return;
        }
        setProblem(error instanceof Error ? error.message : String(error));
      },
    );
  }, [appKey]);

  const page = useMemo(() => (app ? pageFor(app, slug) : undefined), [app, slug]);
  const store = useMemo(() => (app ? new AppStore(app.id, window.localStorage) : null), [app]);

  const toast = useCallback((message: string, style: AlertStyle) => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t, { id, message, style }]);
    window.setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 5000);
  }, []);

  useEffect(() => {
    if (!app || !manifests || !page || !store) return undefined;
    const onUpdate = (update: EvaluationUpdate) => {
      setWidgets((w) => applyUpdate(w, update));
      setErrors((e) => mergeErrors(e, update));
    };
    const client = EngineClient.start({
      update: onUpdate,
      effect: (effect) =>
        applyEffect(effect, {
          store,
          toast,
          navigateToPage: (target, params) => {
            const next = app.document.pages.find((p) => p.name === target || p.slug === target);
            if (!next) return false;
            const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
            window.history.pushState(null, "", `/app/${app.slug}/${next.slug}${query.size > 0 ? `?${query}` : ""}`);
            setSlug(next.slug);
            return true;
          },
          openUrl: (url, newWindow) => (newWindow ? window.open(url, "_blank", "noopener") : window.location.assign(url)),
          downloadFile: (blob, fileName) => {
            const a = document.createElement("a");
            a.href = URL.createObjectURL(blob);
            a.download = fileName;
            a.click();
            URL.revokeObjectURL(a.href);
          },
          copyText: (text) => navigator.clipboard.writeText(text),
          postToParent: (message, origin) => window.parent.postMessage(message, origin),
          log: (level, message, source) => console[level](`[${source}] ${message}`),
          logout: (redirectUrl) => {
            void api("/auth/logout", { method: "POST" })
              .catch(() => undefined)
              .then(() => window.location.assign(redirectUrl || "/login"));
          },
        }),
      executeAction: (request) => executeOnServer(request, { applicationId: app.id, mode: "view" }),
      confirmAction: async (action) => window.confirm(`Run ${action}?`),
    });
    engine.current = client;
    client
      .load(manifests, page, { store: store.values(), url: window.location.href, theme: app.document.application.theme ?? {}, mode: "VIEW" })
      .then((update) => {
        onUpdate(update);
        return client.runOnLoadActions();
      })
      .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
    return () => {
      client.dispose();
      engine.current = null;
    };
  }, [app, manifests, page, store, toast]);

  const onMeta = useCallback((widget: string, changes: Record<string, unknown>) => {
    engine.current?.setMeta(widget, changes).then(
      (update) => setWidgets((w) => applyUpdate(w, update)),
      (error: unknown) => console.error(error),
    );
  }, []);
  const onEvent = useCallback((widget: string, event: string, extra?: Record<string, unknown>) => {
    void engine.current?.runEvent(widget, event, extra ?? {});
  }, []);

  if (problem !== null) return <main className="lc-message" role="alert">{problem}</main>;
  if (!app || !page) return <main className="lc-message" aria-busy="true">Loading…</main>;
  const visiblePages = app.document.pages.filter((p) => !p.hidden);
  const side = app.document.application.settings?.navigation === "side";
  return (
    <div className={`lc-app${side ? " lc-app--side" : ""}`} style={themeStyle(app.document.application.theme)}>
      {visiblePages.length > 1 && (
        <nav className="lc-nav" aria-label="Pages">
          {visiblePages.map((p) => (
            <a
              key={p.slug}
              href={`/app/${app.slug}/${p.slug}`}
              aria-current={p.slug === page.slug ? "page" : undefined}
              onClick={(e) => {
                e.preventDefault();
                window.history.pushState(null, "", `/app/${app.slug}/${p.slug}`);
                setSlug(p.slug);
              }}
            >
              {p.name}
            </a>
          ))}
        </nav>
      )}
      <main>
        <PageView dsl={page.dsl as WidgetNode} widgets={widgets} errors={errors} onMeta={onMeta} onEvent={onEvent} />
      </main>
      <div className="lc-toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`lc-toast lc-toast--${t.style}`} role={t.style === "error" ? "alert" : "status"}>
            {t.message}
          </div>
        ))}
      </div>
    </div>
  );
}

function themeStyle(theme: AppTheme | undefined): React.CSSProperties {
  return {
    "--lc-primary": theme?.primaryColor ?? "#553DE9",
    "--lc-background": theme?.backgroundColor ?? "#F8FAFC",
    "--lc-font": theme?.fontFamily ?? "system-ui, sans-serif",
    "--lc-radius": theme?.borderRadius ?? "6px",
    "--lc-shadow": theme?.boxShadow ?? "none",
  } as React.CSSProperties;
}
