/**
 * Checking an evaluated value against a manifest type, with the same rules as the server
 * (lowcraft/widgets/values.py): `null`/`undefined` fit every type (an unset value); nothing is
 * coerced, so the string "5" where a number is required is an error the developer sees.
 */
import type { TypeHint } from "./manifest";

const COLOR = /^(?:#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|(?:rgba?|hsla?)\([^()]*\)|[a-zA-Z]+)$/;
const ICON = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const SCRIPT_SCHEME = /^\s*(?:javascript|vbscript):/i;

function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every way `value` fails to fit `hint`, each naming the offending path; empty when it fits. */
export function valueProblems(value: unknown, hint: TypeHint, path = "value"): string[] {
  if (value === null || value === undefined || hint.type === "any") return [];
  // A table column's per-row value: one value for each row, each of the declared type.
  if (hint.perRow === true && Array.isArray(value) && hint.type !== "array") {
    return value.flatMap((item, i) => valueProblems(item, hint, `${path}[${i}]`));
  }
  switch (hint.type) {
    case "string":
    case "html":
      return typeof value === "string" ? [] : [`${path}: expected a string, got ${describe(value)}`];
    case "number":
      return typeof value === "number" && Number.isFinite(value)
        ? []
        : [`${path}: expected a finite number, got ${describe(value)}`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${path}: expected true or false, got ${describe(value)}`];
    case "color":
      return typeof value === "string" && (value === "" || COLOR.test(value))
        ? []
        : [`${path}: expected a CSS colour (#rrggbb, rgb(...), a colour name), got ${describe(value)}`];
    case "enum": {
      const options = hint.options ?? [];
      return options.includes(value as string | number)
        ? []
        : [`${path}: expected one of ${describe(options)}, got ${describe(value)}`];
    }
    case "array": {
      if (!Array.isArray(value)) return [`${path}: expected an array, got ${describe(value)}`];
      const items = hint.items;
      if (!items) return [];
      const problems: string[] = [];
      value.forEach((item, i) => problems.push(...valueProblems(item, items, `${path}[${i}]`)));
      return problems;
    }
    case "object": {
      if (!isPlainObject(value)) return [`${path}: expected an object, got ${describe(value)}`];
      const problems: string[] = [];
      for (const [field, fieldHint] of Object.entries(hint.shape ?? {})) {
        if (field in value) problems.push(...valueProblems(value[field], fieldHint, `${path}.${field}`));
      }
      if (hint.values) {
        for (const [key, item] of Object.entries(value)) {
          problems.push(...valueProblems(item, hint.values, `${path}.${key}`));
        }
      }
      return problems;
    }
    case "date":
      return typeof value === "string" && (value === "" || (ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))))
        ? []
        : [`${path}: expected an ISO 8601 date string, got ${describe(value)}`];
    case "icon":
      return typeof value === "string" && (value === "" || ICON.test(value))
        ? []
        : [`${path}: expected an icon name such as 'arrow-right', got ${describe(value)}`];
    case "url":
      if (typeof value !== "string") return [`${path}: expected a URL string, got ${describe(value)}`];
      return SCRIPT_SCHEME.test(value) ? [`${path}: script URLs are not allowed`] : [];
    default:
      return [];
  }
}
