/**
 * The app's JS libraries for the engine: their code comes from Lowcraft by hash (the server
 * fetched it once from the library's URL at install), never from the third-party URL, then runs in
 * the engine's sandboxed worker before the page's bindings (engine/customLibraries.ts).
 */
import { api } from "../api/http";
import type { LibraryCode } from "../engine/customLibraries";

/** A library as the application document lists it (`application.jsLibraries`). */
export interface JsLibraryEntry {
  readonly name: string;
  readonly url: string;
  readonly version?: string | null;
  readonly accessor: readonly string[];
  readonly sha256?: string | null;
}

export interface LibraryCodes {
  readonly codes: LibraryCode[];
  /** One sentence per library whose code could not be had. */
  readonly problems: string[];
}

const cache = new Map<string, Promise<string>>();

/** The code of one library of an application (cached by hash for the life of the page). */
export function libraryCode(applicationId: string, sha256: string): Promise<string> {
  const key = `${applicationId}/${sha256}`;
  let found = cache.get(key);
  if (!found) {
    found = api<{ code: string }>(`/applications/${encodeURIComponent(applicationId)}/js-libraries/code/${sha256}`).then((r) => r.code);
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}

/** The code of each library, in the document's order; a library that cannot be had is a problem, not a failure. */
export async function libraryCodes(applicationId: string, libraries: readonly JsLibraryEntry[] | undefined): Promise<LibraryCodes> {
  const codes: LibraryCode[] = [];
  const problems: string[] = [];
  const results = await Promise.allSettled(
    (libraries ?? []).map(async (lib) => {
      if (!lib.sha256) throw new Error("it has no stored code");
      return { name: lib.name, sha256: lib.sha256, code: await libraryCode(applicationId, lib.sha256) };
    }),
  );
  results.forEach((result, i) => {
    if (result.status === "fulfilled") codes.push(result.value);
    else problems.push(`The JS library ${(libraries ?? [])[i]?.name ?? ""} could not load: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
  });
  return { codes, problems };
}
