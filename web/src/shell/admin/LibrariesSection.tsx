/**
 * Instance settings, for instance administrators: today the URL prefixes Developers may install
 * JS libraries from. A library is code every viewer of an app runs (in the engine's sandbox, like
 * bindings), so which sources are trusted is the instance's decision (docs/security.md).
 */
import { useEffect, useState } from "react";

import { admin } from "../../api/resources";
import { ErrorNote, Loading } from "../Notice";
import { useOperation, useResource } from "../useResource";

const lines = (text: string): string[] => text.split("\n").map((l) => l.trim()).filter((l) => l !== "");

export function LibrariesSection() {
  const settings = useResource(() => admin.settings(), []);
  const op = useOperation();
  const [text, setText] = useState("");
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (settings.data) setText(settings.data.jsLibraryUrls.join("\n"));
  }, [settings.data]);
  if (settings.error) return <ErrorNote message={settings.error.message} onRetry={settings.reload} />;
  if (!settings.data) return <Loading what="the instance settings" />;
  const fromEnvironment = settings.data.jsLibraryUrlsFromEnvironment;
  const none = fromEnvironment.length === 0 && lines(text).length === 0;
  return (
    <section aria-labelledby="js-libraries-title">
      <h2 id="js-libraries-title">JS libraries</h2>
      <p className="lc-muted">
        Developers may install a JS library into an app only from an address that starts with one of these prefixes. The server fetches the
        library once (up to {Math.round(settings.data.jsLibraryMaxBytes / 1024)} KB) and every viewer of the app runs it, in the same sandbox as
        bindings: allow only sources you trust, and prefer prefixes that pin a version, such as https://cdn.jsdelivr.net/npm/bcryptjs@2.4.3/.
      </p>
      {none && (
        <p className="lc-notice lc-notice--error" role="status">
          No prefix is allowed: no JS library can be installed on this instance.
        </p>
      )}
      {fromEnvironment.length > 0 && (
        <>
          <p>Allowed by LOWCRAFT_JS_LIBRARY_URLS (change them in the server&apos;s environment):</p>
          <ul aria-label="Prefixes from the environment">
            {fromEnvironment.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      <form
        aria-labelledby="js-libraries-title"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void op.run(async () => {
            const next = await admin.change({ jsLibraryUrls: lines(text) });
            setText(next.jsLibraryUrls.join("\n"));
            setSaved(true);
          });
        }}
      >
        <label className="lc-form-field">
          <span>Allowed library URL prefixes, one per line</span>
          <textarea name="js-library-urls" rows={5} value={text} onChange={(e) => setText(e.target.value)} placeholder="https://cdn.jsdelivr.net/npm/" />
        </label>
        <button type="submit" className="lc-primary" disabled={op.pending}>
          Save
        </button>
      </form>
      {saved && (
        <p className="lc-notice lc-notice--ok" role="status">
          Saved.
        </p>
      )}
      <ErrorNote message={op.error} />
    </section>
  );
}
