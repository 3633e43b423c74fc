/** Routes by path. Each screen is its own chunk, so a viewer downloads only the viewer. */
import { lazy, Suspense, useState } from "react";

const ViewerRoute = lazy(() => import("./viewer/ViewerRoute"));

/** `/app/{app}/{page}` -> the app key and page slug. */
export function parseAppPath(pathname: string): { appKey: string; pageSlug: string | undefined } | null {
  const match = /^\/app\/([^/]+)(?:\/([^/]+))?\/?$/.exec(pathname);
  if (!match) return null;
  return { appKey: decodeURIComponent(match[1] as string), pageSlug: match[2] === undefined ? undefined : decodeURIComponent(match[2]) };
}

function OpenApp() {
  const [key, setKey] = useState("");
  return (
    <main className="lc-message">
      <h1>Lowcraft</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim() !== "") window.location.assign(`/app/${encodeURIComponent(key.trim())}`);
        }}
      >
        <label>
          Open an application by its address name{" "}
          <input value={key} onChange={(e) => setKey(e.target.value)} placeholder="orders-admin" />
        </label>{" "}
        <button type="submit">Open</button>
      </form>
    </main>
  );
}

export default function App() {
  const app = parseAppPath(window.location.pathname);
  return (
    <Suspense fallback={<main className="lc-message" aria-busy="true">Loading…</main>}>
      {app ? <ViewerRoute appKey={app.appKey} pageSlug={app.pageSlug} /> : <OpenApp />}
    </Suspense>
  );
}
