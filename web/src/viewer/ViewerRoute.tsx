/**
 * A published application at `/app/{app}/{page}`: loads the document and the widget manifests,
 * runs the page in the engine worker, shows its widgets, and carries out their effects.
 * Private apps send a logged-out visitor to the login page and back.
 *
 * `/app/{app id}/versions/{version}/{page}` shows a kept version instead, read-only, to the app's
 * developers: its pages and widgets with their bindings, but no query runs (the server runs only
 * the published or the edited queries, never a version's), as a banner says.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { api, ApiError } from "../api/http";
import { EngineClient } from "../engine/client";
import { libraryProblems } from "../engine/customLibraries";
import type { AlertStyle, EvaluationUpdate } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import type { AppTheme, PageDefinition, WidgetNode } from "../engine/page";
import { navigate } from "../navigation/history";
import { loginPath } from "../navigation/routes";
import { AppStore } from "../runtime/appStore";
import { libraryCodes, type JsLibraryEntry } from "../runtime/jsLibraries";
import { applyEffect } from "../runtime/effects";
import { executeOnServer } from "../runtime/serverActions";
import { runServerCall, workflowIds } from "../runtime/serverCalls";
import { pageStorage } from "../runtime/storage";
import { useConfirm } from "../ui/ConfirmDialog";
import { saveFile } from "../ui/download";
import { PageNav, type NavPage } from "./PageNav";
import { PageStore } from "./pageStore";
import { PublishBanner, usePublishNotice } from "./publishNotice";
import { PageView } from "./PageView";
import { themeStyle } from "./theme";
import { Toasts, type Toast } from "./Toasts";

interface DocumentPage extends PageDefinition, NavPage {
  readonly isDefault?: boolean;
}

export interface PublishedApp {
  readonly id: string;
  /** Set when this is a kept version rather than the published app. */
  readonly version?: { readonly number: number; readonly createdAt: string; readonly message: string | null };
  readonly slug: string;
  /** The visitor may edit this app (a developer of its workspace). */
  readonly canEdit?: boolean;
  readonly document: {
    readonly application: {
      readonly name: string;
      readonly theme?: AppTheme;
      readonly settings?: { readonly navigation?: string };
      readonly jsLibraries?: readonly JsLibraryEntry[];
    };
    readonly pages: readonly DocumentPage[];
  };
}

/** The page a slug names (or a page's name), else the default page, else the first. */
export function pageFor<P extends DocumentPage>(pages: readonly P[], slug: string | undefined): P | undefined {
  return pages.find((p) => p.slug === slug || p.name === slug) ?? pages.find((p) => p.isDefault) ?? pages[0];
}

/** `appsmith.user` for a logged-in visitor; an anonymous one (public app) gets an empty user. */
async function visitor(): Promise<Record<string, unknown>> {
  try {
    const me = await api<{ email: string; name: string }>("/me");
    return { email: me.email, name: me.name, username: me.email };
  } catch {
    return { email: "", name: "", username: "" };
  }
}

const problemText = (error: unknown): string => {
  if (error instanceof ApiError && error.status === 404) return "This application does not exist, or you have no access to it.";
  return error instanceof Error ? error.message : String(error);
};

const VERSION_QUERIES = "Queries do not run in a version preview.";

export default function ViewerRoute({ appKey, pageSlug, search, version }: { appKey: string; pageSlug: string | undefined; search: string; version?: string | undefined }) {
  const [loaded, setLoaded] = useState<{ app: PublishedApp; manifests: WidgetManifest[]; user: Record<string, unknown> } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  /** JS libraries that could not load: said on the page, which runs without them. */
  const [libraryProblem, setLibraryProblem] = useState<string | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const engine = useRef<EngineClient | null>(null);
  const { confirm, dialog } = useConfirm();

  useEffect(() => {
    const source = version
      ? `/applications/${encodeURIComponent(appKey)}/versions/${encodeURIComponent(version)}/view`
      : `/view/${encodeURIComponent(appKey)}`;
    Promise.all([api<PublishedApp>(source), api<{ widgets: WidgetManifest[] }>("/widgets"), visitor()]).then(
      ([app, w, user]) => {
        setLoaded({ app, manifests: w.widgets, user });
        document.title = app.document.application.name;
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) {
          navigate(loginPath(window.location.pathname + window.location.search), { replace: true });
          return;
        }
        setProblem(problemText(error));
      },
    );
  }, [appKey, version]);

  const app = loaded?.app;
  const base = version ? `/app/${encodeURIComponent(appKey)}/versions/${encodeURIComponent(version)}` : `/app/${encodeURIComponent(appKey)}`;
  const publishNotice = usePublishNotice(version ? undefined : app?.id); // a version preview never reloads
  const page = useMemo(() => (app ? pageFor(app.document.pages, pageSlug) : undefined), [app, pageSlug]);
  const store = useMemo(() => (app ? new AppStore(app.id, pageStorage()) : null), [app]);
  // One per page shown: the widgets subscribe to their own values in it (see PageView).
  const pageStore = useMemo(() => (page ? new PageStore() : null), [page]);

  const toast = useCallback((message: string, style: AlertStyle) => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t, { id, message, style }]);
    window.setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), style === "error" ? 8000 : 5000);
  }, []);

  useEffect(() => {
    if (!loaded || !page || !store || !pageStore) return undefined;
    const { app: current, manifests, user } = loaded;
    const onUpdate = (update: EvaluationUpdate) => pageStore.apply(update);
    const workflows = workflowIds(
      current.document.pages.flatMap((p) => (p.jsObjects ?? []).map((js) => ({ ...js, pageId: p === page ? "current" : undefined }))),
      "current",
    );
    const client = EngineClient.start({
      update: onUpdate,
      effect: (effect) =>
        applyEffect(effect, {
          store,
          toast,
          navigateToPage: (target, params) => {
            const next = current.document.pages.find((p) => p.name === target || p.slug === target);
            if (!next) return false;
            const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
            navigate(`${base}/${encodeURIComponent(next.slug)}${query.size > 0 ? `?${query}` : ""}`);
            return true;
          },
          openUrl: (url, newWindow) => (newWindow ? window.open(url, "_blank", "noopener") : window.location.assign(url)),
          downloadFile: saveFile,
          copyText: (text) => navigator.clipboard.writeText(text),
          postToParent: (message, origin) => window.parent.postMessage(message, origin),
          log: (level, message, source) => console[level](`[${source}] ${message}`),
          logout: (redirectUrl) => {
            // A session from a SAML IdP with single logout goes through the IdP first.
            void api<{ redirect?: string } | undefined>("/auth/logout", { method: "POST" })
              .catch(() => undefined)
              .then((answer) => window.location.assign(answer?.redirect ?? (redirectUrl || "/login")));
          },
        }),
      executeAction: (request) =>
        current.version ? Promise.reject(new Error(VERSION_QUERIES)) : executeOnServer(request, { applicationId: current.id, mode: "view" }),
      callServer: (call) =>
        current.version ? Promise.reject(new Error(VERSION_QUERIES)) : runServerCall(call, { applicationId: current.id, mode: "view", workflows }),
      confirmAction: (action) =>
        // A JS function set to "confirm before calling" is named `Object.function`; a query by its name.
        confirm({
          title: action.includes(".") ? "Run this function?" : "Run this query?",
          message: `${current.document.application.name} wants to run ${action}.`,
          confirmLabel: "Run",
          cancelLabel: "Cancel",
        }),
    });
    engine.current = client;
    // The app's JS libraries run in the worker first, so the page's bindings find their globals.
    libraryCodes(current.id, current.document.application.jsLibraries)
      .then(async ({ codes, problems }) => {
        const loadedLibraries = await client.loadLibraries(codes);
        const failed = [...problems, libraryProblems(loadedLibraries)].filter((p): p is string => p !== null);
        if (engine.current === client) setLibraryProblem(failed.length > 0 ? failed.join("\n") : null);
        return client.load(manifests, page, { store: store.values(), user, url: window.location.href, theme: current.document.application.theme ?? {}, mode: "VIEW" });
      })
      .then((update) => {
        onUpdate(update);
        return current.version ? undefined : client.runOnLoadActions();
      })
      .catch((error: unknown) => {
        if (engine.current === client) setProblem(error instanceof Error ? error.message : String(error));
      });
    return () => {
      client.dispose();
      engine.current = null;
    };
    // A new page (or app) starts a fresh engine; query changes on the same page only update the URL.
  }, [loaded, page, store, pageStore, toast, confirm, base]);

  useEffect(() => {
    engine.current?.setUrl(window.location.href).then(
      (update) => pageStore?.apply(update),
      () => undefined,
    );
    // Only a new query string on the same page: a new page starts a fresh engine with its URL.
  }, [search]);

  const onMeta = useCallback(
    (widget: string, changes: Record<string, unknown>, item?: number) => {
      engine.current?.setMeta(widget, changes, item).then(
        (update) => pageStore?.apply(update),
        (error: unknown) => console.error(error),
      );
    },
    [pageStore],
  );
  const onReset = useCallback(
    (widget: string) => {
      engine.current?.resetWidget(widget, true).then(
        (update) => pageStore?.apply(update),
        (error: unknown) => console.error(error),
      );
    },
    [pageStore],
  );
  const onEvent = useCallback(
    (widget: string, event: string, extra?: Record<string, unknown>): Promise<unknown> =>
      engine.current?.runEvent(widget, event, extra ?? {}).catch((error: unknown) => console.error(error)) ?? Promise.resolve(),
    [],
  );
  // A run that fails again has already shown its message (toast and the widgets' error state).
  const onRetry = useCallback((action: string) => engine.current?.runAction(action).catch(() => undefined) ?? Promise.resolve(), []);

  if (problem !== null) {
    return (
      <main className="lc-message" role="alert">
        <p>{problem}</p>
        <a href="/">Go to your workspaces</a>
      </main>
    );
  }
  if (!app || !page || !pageStore) return <main className="lc-message" aria-busy="true">Loading…</main>;
  const side = app.document.application.settings?.navigation === "side";
  return (
    <div className={`lc-app${side ? " lc-app--side" : ""}`} style={themeStyle(app.document.application.theme)}>
      <PageNav
        appName={app.document.application.name}
        appKey={appKey}
        pages={app.document.pages}
        current={page.slug}
        base={base}
        editHref={app.canEdit ? `/app/${encodeURIComponent(app.id)}/edit/${encodeURIComponent(page.slug)}` : undefined}
      />
      <main className="lc-app__main">
        {app.version && (
          <p className="lc-notice" role="status" data-testid="version-banner">
            Version {app.version.number} of {new Date(app.version.createdAt).toLocaleString()}
            {app.version.message ? ` — ${app.version.message}` : ""}. A read-only preview: {VERSION_QUERIES}
          </p>
        )}
        {publishNotice.shown && <PublishBanner onDismiss={publishNotice.dismiss} />}
        {libraryProblem !== null && (
          <p className="lc-notice lc-notice--error" role="alert" data-testid="library-problem">
            {libraryProblem}
          </p>
        )}
        <PageView dsl={page.dsl as WidgetNode} store={pageStore} onMeta={onMeta} onEvent={onEvent} onReset={onReset} onRetry={onRetry} />
      </main>
      <Toasts toasts={toasts} onClose={(id) => setToasts((t) => t.filter((x) => x.id !== id))} />
      {dialog}
    </div>
  );
}
