/**
 * Routes by path. Each screen is its own chunk: a viewer of a published app downloads only the
 * viewer, never the workspace screens or the editor.
 */
import { lazy, Suspense, type ComponentType } from "react";

import { useLocation } from "./navigation/history";
import { matchRoute } from "./navigation/routes";

const ViewerRoute = lazy(() => import("./viewer/ViewerRoute"));
const ShellRoute = lazy(() => import("./shell/ShellRoute"));

// ---- EDITOR ROUTE (/app/:id/edit/:page) -------------------------------------------------------
// The editor lives in src/editor/ (another part of the client). Its entry is
// `src/editor/EditorRoute.tsx`, default export taking { applicationId, pageSlug }, loaded lazily
// here. The glob finds the file when it exists, so the viewer and shell build without it.
export interface EditorRouteProps {
  readonly applicationId: string;
  readonly pageSlug: string;
}
const editorEntry = import.meta.glob<{ default: ComponentType<EditorRouteProps> }>("./editor/EditorRoute.tsx");
const loadEditor = editorEntry["./editor/EditorRoute.tsx"];
const EditorRoute = loadEditor
  ? lazy(loadEditor)
  : () => (
      <main className="lc-message" role="alert">
        The editor is not part of this build.
      </main>
    );
// -----------------------------------------------------------------------------------------------

export default function App() {
  const location = useLocation();
  const route = matchRoute(location.pathname);
  let screen;
  switch (route.kind) {
    case "viewer":
      screen = <ViewerRoute key={`${route.appKey}/${route.version ?? ""}`} appKey={route.appKey} pageSlug={route.pageSlug} version={route.version} search={location.search} />;
      break;
    case "editor":
      screen = <EditorRoute applicationId={route.applicationId} pageSlug={route.pageSlug} />;
      break;
    default:
      screen = <ShellRoute route={route} search={location.search} />;
  }
  return <Suspense fallback={<main className="lc-message" aria-busy="true">Loading…</main>}>{screen}</Suspense>;
}
