/**
 * JS libraries a developer installed in the app (application.jsLibraries): the page fetches each
 * one's code from Lowcraft (never from the third-party URL) and sends it here; the worker runs it
 * as a classic script would run, in its own global scope, after lockdown, so a library is user
 * JavaScript like any binding: same sandbox, same emptied globals (docs/security.md).
 *
 * Which globals a library defines (its accessors) is what appears on the global object while it
 * runs: the names present after and not before. The editor does that once, at install, in a
 * throwaway engine; the server records the answer, and the analyser and autocomplete know them.
 */

export interface LibraryCode {
  readonly name: string;
  /** Identifies the code; a library already loaded in this worker is not run again. */
  readonly sha256: string;
  readonly code: string;
}

export interface LibraryLoad {
  readonly name: string;
  /** The globals that appeared while the library ran. */
  readonly accessor: readonly string[];
  /** Member names of each accessor's value (for autocomplete), by accessor. */
  readonly members: Readonly<Record<string, readonly string[]>>;
  /** Why the library failed to load (it threw); its partial globals stay. */
  readonly error?: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MAX_MEMBERS = 200;

function membersOf(value: unknown): string[] {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return [];
  const names = new Set<string>();
  try {
    for (const name of Object.keys(value)) if (IDENTIFIER.test(name)) names.add(name);
    if (typeof value === "function") {
      const proto = (value as { prototype?: unknown }).prototype;
      if (proto && typeof proto === "object") for (const name of Object.getOwnPropertyNames(proto)) if (IDENTIFIER.test(name) && name !== "constructor") names.add(name);
    }
  } catch {
    /* a hostile getter or proxy: no members */
  }
  return [...names].slice(0, MAX_MEMBERS);
}

/** Run a script in the global scope: top-level `var` and functions become globals, `this` is the global. */
const runScript: (code: string) => unknown = eval; // called by another name: an indirect, global eval

const loaded = new Map<string, LibraryLoad>();

/**
 * Load libraries into `target` (the worker's global object), each once per worker, in order.
 * A library that throws is reported in its result; the others still load.
 */
export function loadLibraries(
  libraries: readonly LibraryCode[],
  target: Record<string, unknown> = globalThis as unknown as Record<string, unknown>,
  run: (code: string) => unknown = runScript,
): LibraryLoad[] {
  const results: LibraryLoad[] = [];
  for (const library of libraries) {
    const known = loaded.get(library.sha256);
    if (known) {
      results.push({ ...known, name: library.name });
      continue;
    }
    const before = new Set(Object.getOwnPropertyNames(target));
    let error: string | undefined;
    try {
      run(`${library.code}\n//# sourceURL=lowcraft-library:${encodeURIComponent(library.name)}`);
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    const accessor = Object.getOwnPropertyNames(target).filter((name) => !before.has(name) && IDENTIFIER.test(name));
    const members: Record<string, readonly string[]> = {};
    for (const name of accessor) members[name] = membersOf(target[name]);
    const result: LibraryLoad = error === undefined ? { name: library.name, accessor, members } : { name: library.name, accessor, members, error };
    if (error === undefined) loaded.set(library.sha256, result);
    results.push(result);
  }
  return results;
}

/** A sentence for the page when libraries failed to load (none: null). */
export function libraryProblems(results: readonly LibraryLoad[]): string | null {
  const failed = results.filter((r) => r.error !== undefined);
  if (failed.length === 0) return null;
  return failed.map((r) => `The JS library ${r.name} could not load: ${r.error ?? ""}`).join("\n");
}
