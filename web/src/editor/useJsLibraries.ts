/**
 * The app's JS libraries in the editor: the list, installing by URL and uninstalling.
 *
 * Installing: the server fetches the code once from the URL (if an instance administrator allowed
 * it) and keeps it; the editor runs that code in a throwaway sandboxed engine, and the globals that
 * appear while it runs are the library's accessors, which the server records. A script that
 * defines no global, or throws while loading, is refused here with that reason.
 */
import { useCallback, useEffect, useMemo, useState } from "react";

import type * as Schema from "../api/generated";
import { api } from "../api/http";
import { EngineClient } from "../engine/client";
import type { LibraryCode, LibraryLoad } from "../engine/customLibraries";
import { libraryCode } from "../runtime/jsLibraries";
import { messageOf } from "./editorApi";

export type JsLibrary = Schema.JsLibraryOut;

const base = (appId: string) => `/applications/${encodeURIComponent(appId)}/js-libraries`;

/** Run a library's code in a fresh engine worker and report what it defined (the worker is then ended). */
export async function probeLibrary(library: LibraryCode): Promise<LibraryLoad> {
  const probe = EngineClient.start({
    update: () => undefined,
    effect: () => undefined,
    executeAction: () => Promise.resolve({ ok: false, data: undefined, error: "not available while installing a library" }),
    confirmAction: () => Promise.resolve(false),
  });
  try {
    const [load] = await probe.loadLibraries([library]);
    if (!load) throw new Error("the engine did not load the library");
    return load;
  } finally {
    probe.dispose();
  }
}

/** Why a probed library cannot be installed, or null when it can. */
export function probeProblem(load: LibraryLoad): string | null {
  if (load.error !== undefined) return `The library threw while loading, so it cannot run in the app: ${load.error}`;
  if (load.accessor.length === 0) {
    return "This script defined no global name when it loaded, so bindings could not use it. Install its UMD or browser build (often dist/<name>.min.js or <name>.umd.js).";
  }
  return null;
}

export function useJsLibraries(appId: string) {
  const [list, setList] = useState<Schema.JsLibraryList | null>(null);
  const [codes, setCodes] = useState<readonly LibraryCode[]>([]);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async (changed: boolean) => {
    const next = await api<Schema.JsLibraryList>(base(appId));
    const loaded = await Promise.all(next.libraries.map(async (lib) => ({ name: lib.name, sha256: lib.sha256, code: await libraryCode(appId, lib.sha256) })));
    setList(next);
    setCodes(loaded);
    if (changed) setVersion((v) => v + 1);
  }, [appId]);

  useEffect(() => {
    refresh(true).catch((e: unknown) => setError(`The app's JS libraries could not be loaded: ${messageOf(e)}`));
  }, [refresh]);

  const install = useCallback(
    async (url: string): Promise<boolean> => {
      setBusy(true);
      setError(null);
      try {
        const fetched = await api<Schema.FetchedLibrary>(`${base(appId)}/fetch`, { method: "POST", body: { url } });
        const code = await libraryCode(appId, fetched.sha256);
        const load = await probeLibrary({ name: fetched.name, sha256: fetched.sha256, code });
        const problem = probeProblem(load);
        if (problem) throw new Error(problem);
        await api<JsLibrary>(base(appId), { method: "POST", body: { url, sha256: fetched.sha256, accessor: load.accessor } });
        await refresh(true);
        return true;
      } catch (e) {
        setError(messageOf(e));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [appId, refresh],
  );

  const uninstall = useCallback(
    async (name: string) => {
      setBusy(true);
      setError(null);
      try {
        await api(`${base(appId)}/${encodeURIComponent(name)}`, { method: "DELETE" });
        await refresh(true);
      } catch (e) {
        setError(messageOf(e));
      } finally {
        setBusy(false);
      }
    },
    [appId, refresh],
  );

  return useMemo(() => ({ list, codes, version, error, busy, install, uninstall }), [list, codes, version, error, busy, install, uninstall]);
}

export type JsLibraries = ReturnType<typeof useJsLibraries>;
