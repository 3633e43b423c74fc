/**
 * Which names can name an entity (widget, query, JS object): the same rules as the server's
 * (lowcraft/names.py), so the editor refuses a name before sending it and says why.
 *
 * Entities are kept in plain objects keyed by name, here as on the server: a widget called
 * `__proto__` would replace such an object's prototype, one called `toString` or `constructor`
 * would be shadowed by, or shadow, what every object inherits.
 */

import { isGlobalName } from "./globals";

const MAX_LENGTH = 100;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Reserved in strict-mode JavaScript, or confusing as a name (lowcraft/bindings/names.py). */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
  "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof",
  "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
  "while", "with", "yield", "let", "static", "implements", "interface", "package", "private", "protected",
  "public", "await", "async", "of", "get", "set", "arguments", "eval", "undefined", "NaN", "Infinity",
]);

/** Every member of `Object.prototype`. */
export const OBJECT_PROTOTYPE_MEMBERS: ReadonlySet<string> = new Set([
  "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__", "constructor",
  "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString", "valueOf",
]);

/** Why `name` cannot name an entity, or null when it can. */
export function entityNameProblem(name: string): string | null {
  if (!name) return "A name is required.";
  if (name.length > MAX_LENGTH) return `Names may have at most ${MAX_LENGTH} characters.`;
  if (!IDENTIFIER.test(name)) return `'${name}' is not a valid name: use letters, digits, _ or $, not starting with a digit.`;
  if (RESERVED_WORDS.has(name)) return `'${name}' is a reserved word in JavaScript.`;
  if (OBJECT_PROTOTYPE_MEMBERS.has(name)) return `'${name}' is a name every JavaScript object has already.`;
  if (isGlobalName(name) || name === "appsmith") return `'${name}' is already used by the runtime.`;
  return null;
}
