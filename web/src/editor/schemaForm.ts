/**
 * Form fields from a connector's JSON schema (GET /api/v1/connectors): what the datasource and
 * REST query forms show. `$ref`s into `$defs` are followed; nested objects become field groups.
 */
export type FieldKind = "text" | "password" | "number" | "switch" | "select" | "group" | "list" | "json";

export interface Field {
  /** Dotted path of the value in the config (`auth.token`). */
  readonly path: string;
  readonly key: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly description: string;
  readonly options: readonly string[];
  readonly default: unknown;
  readonly required: boolean;
  readonly fields: readonly Field[];
  /** For `list`: the fields of one item (key/value pairs). */
  readonly itemFields: readonly Field[];
}

type Schema = Record<string, unknown>;

function resolve(node: Schema, root: Schema): Schema {
  const ref = node["$ref"];
  if (typeof ref === "string" && ref.startsWith("#/$defs/")) {
    const target = ((root["$defs"] ?? {}) as Record<string, Schema>)[ref.slice("#/$defs/".length)];
    return target ? resolve({ ...target, ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== "$ref")) }, root) : node;
  }
  // Optional values are `anyOf: [X, null]`: the form shows X.
  const anyOf = node["anyOf"];
  if (Array.isArray(anyOf)) {
    const concrete = (anyOf as Schema[]).filter((s) => s["type"] !== "null");
    if (concrete.length === 1) return resolve({ ...(concrete[0] as Schema), ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== "anyOf")) }, root);
  }
  return node;
}

const humanise = (key: string): string => key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

function fieldOf(key: string, path: string, raw: Schema, root: Schema, required: boolean): Field {
  const node = resolve(raw, root);
  const type = node["type"];
  const base = {
    path,
    key,
    label: typeof node["title"] === "string" ? humanise(key) : humanise(key),
    description: typeof node["description"] === "string" ? node["description"] : "",
    options: Array.isArray(node["enum"]) ? (node["enum"] as unknown[]).map(String) : [],
    default: node["default"],
    required,
    fields: [] as Field[],
    itemFields: [] as Field[],
  };
  if (Array.isArray(node["enum"])) return { ...base, kind: "select" };
  if (node["secret"] === true || node["format"] === "password") return { ...base, kind: "password" };
  if (type === "integer" || type === "number") return { ...base, kind: "number" };
  if (type === "boolean") return { ...base, kind: "switch" };
  if (type === "object" && node["properties"]) return { ...base, kind: "group", fields: formFields(node, root, path) };
  if (type === "array") {
    const items = resolve((node["items"] ?? {}) as Schema, root);
    if (items["type"] === "object" && items["properties"]) return { ...base, kind: "list", itemFields: formFields(items, root, "") };
    return { ...base, kind: "json" };
  }
  if (type === "string") return { ...base, kind: "text" };
  return { ...base, kind: "json" };
}

export function formFields(schema: Schema, root: Schema = schema, prefix = ""): Field[] {
  const properties = (schema["properties"] ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(schema["required"]) ? (schema["required"] as string[]) : []);
  return Object.entries(properties).map(([key, node]) => fieldOf(key, prefix ? `${prefix}.${key}` : key, node, root, required.has(key)));
}

/** A config holding every default of the schema (what a new datasource or query starts from). */
export function defaultsOf(fields: readonly Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.kind === "group") out[f.key] = defaultsOf(f.fields);
    else if (f.default !== undefined && f.default !== null) out[f.key] = structuredClone(f.default);
  }
  return out;
}

export function getPath(config: unknown, path: string): unknown {
  let value = config;
  for (const k of path.split(".")) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[k] : undefined;
  return value;
}

/** A copy of `config` with the value at a dotted path replaced. */
export function setPath(config: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  if (head === undefined) return config;
  if (rest.length === 0) return { ...config, [head]: value };
  const inner = config[head];
  return { ...config, [head]: setPath(inner !== null && typeof inner === "object" ? (inner as Record<string, unknown>) : {}, rest.join("."), value) };
}
