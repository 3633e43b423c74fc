/**
 * The Explorer's Libraries section: the app's JS libraries (app-wide, on every page) with their
 * version and the globals they define, installing one by URL and uninstalling.
 */
import { useState } from "react";

import type { JsLibraries } from "./useJsLibraries";

export function LibrariesSection({ libraries }: { libraries: JsLibraries }) {
  const [url, setUrl] = useState("");
  const [adding, setAdding] = useState(false);
  const { list, error, busy } = libraries;
  const allowed = list?.allowedUrlPrefixes ?? [];
  return (
    <section aria-label="Libraries">
      <h3>
        Libraries{" "}
        <button type="button" className="lc-ed-icon" aria-label="Install library" onClick={() => setAdding((a) => !a)}>
          +
        </button>
      </h3>
      {adding && (
        <form
          className="lc-ed-library-form"
          onSubmit={(e) => {
            e.preventDefault();
            void libraries.install(url.trim()).then((ok) => {
              if (ok) {
                setUrl("");
                setAdding(false);
              }
            });
          }}
        >
          {allowed.length === 0 ? (
            <p className="lc-ed-muted" role="note">
              No library can be installed: an instance administrator has allowed no library URL yet (Admin, JS libraries).
            </p>
          ) : (
            <p className="lc-ed-muted" role="note">
              A UMD or browser build from: {allowed.join(", ")}
            </p>
          )}
          <input
            aria-label="Library URL"
            type="url"
            required
            placeholder="https://cdn.jsdelivr.net/npm/bcryptjs@2.4.3/dist/bcrypt.min.js"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <button type="submit" disabled={busy || url.trim() === ""}>
            {busy ? "Installing…" : "Install"}
          </button>
        </form>
      )}
      {error !== null && (
        <p className="lc-notice lc-notice--error" role="alert">
          {error}
        </p>
      )}
      {list !== null && list.libraries.length === 0 && !adding && <p className="lc-ed-muted">No JS library installed.</p>}
      <ul className="lc-ed-tree">
        {(list?.libraries ?? []).map((lib) => (
          <li key={lib.name} data-explorer-library={lib.name} title={lib.url}>
            <span className="lc-ed-tree__item">
              {lib.name}
              {lib.version ? ` ${lib.version}` : ""}
            </span>
            <code className="lc-ed-badge" title="Use in bindings and JS objects">
              {lib.accessor.join(", ")}
            </code>
            <button
              type="button"
              className="lc-ed-icon"
              aria-label={`Uninstall ${lib.name}`}
              disabled={busy}
              onClick={() => window.confirm(`Uninstall ${lib.name}? Bindings using ${lib.accessor.join(", ")} will fail.`) && void libraries.uninstall(lib.name)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
