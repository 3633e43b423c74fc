/**
 * Small pure helpers of the engine: how property strings are split and cached, how dotted
 * bindings are read without running code, and how values are compared and shown as text.
 */
import type { Scope } from "./compile";
import type { EvaluationError } from "./host";
import { analyse } from "./references";
import { splitSegments, type Segment } from "./segments";

export const EVENT_KEY = /^on[A-Z]/;

export function sameValue(a: unknown, b: unknown): boolean {
  return Object.is(a, b);
}

export function stringify(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

export interface Template {
  readonly segments: readonly Segment[];
  /** The code when the whole value is one binding (its value is the JS value, not text). */
  readonly single: string | null;
  readonly hasBinding: boolean;
}

const templates = new Map<string, Template>();

/** A property string split once into text and bindings (the same strings are evaluated often). */
export function templateOf(raw: string): Template {
  let t = templates.get(raw);
  if (!t) {
    const segments = splitSegments(raw);
    const bindings = segments.filter((s) => s.isBinding);
    const onlyBinding = bindings.length === 1 && segments.every((s) => s.isBinding || s.source.trim() === "") && raw.trim().startsWith("{{");
    t = { segments, single: onlyBinding ? (bindings[0] as Segment).source : null, hasBinding: bindings.length > 0 };
    if (templates.size > 50_000) templates.clear();
    templates.set(raw, t);
  }
  return t;
}

/** The parts of a binding that is only a dotted name, or null (syntax errors surface in `compile`). */
export function simplePathOf(code: string): readonly string[] | null {
  try {
    return analyse(code, "expression").simplePath ?? null;
  } catch {
    return null;
  }
}

/** `A.b.c` without running code, with the errors JavaScript would raise. */
export function readPath(scope: Scope, path: readonly string[], errors: EvaluationError[]): unknown {
  let value: unknown = scope[path[0] as string];
  for (let i = 1; i < path.length; i++) {
    if (value === null || value === undefined) {
      errors.push({ kind: "runtime", message: `Cannot read properties of ${String(value)} (reading '${path[i] as string}')` });
      return undefined;
    }
    value = (value as Record<string, unknown>)[path[i] as string];
  }
  return value;
}

/** Whether a stored value holds a `{{ }}` binding anywhere (nested structures included). */
export function containsBinding(value: unknown): boolean {
  if (typeof value === "string") return value.includes("{{") && templateOf(value).hasBinding;
  if (Array.isArray(value)) return value.some(containsBinding);
  if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) if (!EVENT_KEY.test(k) && containsBinding(v)) return true;
  }
  return false;
}

export function snapshot(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "undefined";
  } catch {
    return "\u0000unserialisable";
  }
}

