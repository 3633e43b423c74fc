/**
 * A datasource's values per environment as the editor edits them: production always, staging and
 * development when the developer adds them. Secrets come from the server masked; a masked value
 * sent back keeps the stored secret, so untouched secrets are simply sent as they came.
 */
import { getPath } from "./schemaForm";

export const ENVIRONMENTS = ["production", "staging", "development"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const DEFAULT_ENVIRONMENT: Environment = "production";

/** What a secret looks like in every response from the server. */
export const MASK = "********";

export type Configs = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export function environmentLabel(env: string): string {
  return env.charAt(0).toUpperCase() + env.slice(1);
}

/** The environments a datasource has, production first (and always). */
export function environmentsOf(configs: Configs): Environment[] {
  return ENVIRONMENTS.filter((e) => e === DEFAULT_ENVIRONMENT || e in configs);
}

/** What to send to save: every kept environment's values, and the stored ones that were removed. */
export function saveBody(stored: Configs, edited: Configs, kept: readonly string[]): { configs: Record<string, Record<string, unknown>>; removeEnvironments: string[] } {
  const configs: Record<string, Record<string, unknown>> = {};
  for (const env of kept) configs[env] = { ...(edited[env] ?? {}) };
  return { configs, removeEnvironments: Object.keys(stored).filter((env) => !kept.includes(env)) };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, Object.keys(flatKeys(a)).sort()) === JSON.stringify(b, Object.keys(flatKeys(b)).sort());
}

function flatKeys(v: unknown, out: Record<string, true> = {}): Record<string, true> {
  if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) {
    out[k] = true;
    flatKeys(x, out);
  }
  return out;
}

/**
 * How "Test connection" tests an environment: the stored values when nothing changed (the server
 * knows the secrets), the values on screen when every secret in them is real, or not at all before
 * saving when a changed form still holds a masked secret (the server cannot test what it hides).
 */
export function testPlan(stored: Readonly<Record<string, unknown>> | undefined, edited: Readonly<Record<string, unknown>>, secretPaths: readonly string[]): "stored" | "unsaved" | "save-first" {
  if (stored !== undefined && same(stored, edited)) return "stored";
  return secretPaths.some((p) => getPath(edited, p) === MASK) ? "save-first" : "unsaved";
}
