/**
 * What a stored value's code reads, classified as the server's analyser does (and as the shared
 * vectors in spec/bindings describe): application entities, the `appsmith` global and action
 * functions, JavaScript built-ins, and names that are none of these.
 */
import { splitSegments } from "./segments";
import { ACTION_FUNCTIONS, JS_GLOBALS } from "./globals";
import { analyseJsObject } from "./jsObjects";
import { analyse, BindingSyntaxError, type Reference } from "./references";

export type SourceKind = "expression" | "statements" | "jsobject";

export interface ClassifiedReferences {
  /** Paths rooted at an application entity, in order of first appearance. */
  readonly references: string[];
  readonly appGlobals: string[];
  readonly jsGlobals: string[];
  readonly unknown: string[];
  /** Members of a JS object (kind "jsobject"). */
  readonly members: string[];
  readonly syntaxError: BindingSyntaxError | null;
}

const APP_GLOBALS: ReadonlySet<string> = new Set(["appsmith", ...ACTION_FUNCTIONS]);

export interface ClassifyOptions {
  /** Entity names of the application; null counts every unrecognised name as an entity. */
  readonly entities: ReadonlySet<string> | null;
  /** The JS object's own name, for kind "jsobject". */
  readonly object?: string;
}

/**
 * Classify the references of `source`: a property value whose `{{ }}` segments are expressions or
 * handler statements, or a JS object body. A syntax error in any segment is returned, not thrown.
 */
export function classifyReferences(source: string, kind: SourceKind, options: ClassifyOptions): ClassifiedReferences {
  const refs: Reference[] = [];
  const members: string[] = [];
  let syntaxError: BindingSyntaxError | null = null;
  try {
    if (kind === "jsobject") {
      const js = analyseJsObject(source, options.object ?? "this");
      refs.push(...js.analysis.allReferences);
      members.push(...js.members.map((m) => m.name));
    } else {
      for (const segment of splitSegments(source)) {
        if (!segment.isBinding) continue;
        const analysis = analyse(segment.source, kind === "statements" ? "statements" : "expression");
        refs.push(...analysis.allReferences);
      }
    }
  } catch (error) {
    if (!(error instanceof BindingSyntaxError)) throw error;
    syntaxError = error;
  }
  const out = { references: [] as string[], appGlobals: [] as string[], jsGlobals: [] as string[], unknown: [] as string[] };
  const add = (list: string[], path: string): void => {
    if (!list.includes(path)) list.push(path);
  };
  for (const ref of syntaxError ? [] : refs) {
    // `undefined` is a name in JavaScript, but reads as a literal to everyone.
    if (ref.root === "undefined") continue;
    if (options.object !== undefined && ref.root === options.object) add(out.references, ref.path);
    else if (APP_GLOBALS.has(ref.root)) add(out.appGlobals, ref.path);
    else if (JS_GLOBALS.has(ref.root)) add(out.jsGlobals, ref.path);
    else if (options.entities === null || options.entities.has(ref.root)) add(out.references, ref.path);
    else add(out.unknown, ref.path);
  }
  return { ...out, members, syntaxError };
}
