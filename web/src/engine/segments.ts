/**
 * Splitting strings into literal text and `{{ }}` binding segments.
 *
 * Agrees with the server's splitter (lowcraft/bindings/segments.py) on where a binding starts and
 * ends, because the binding source is the key under which the client sends parameter values.
 */

export interface Segment {
  readonly isBinding: boolean;
  /** Literal text, or the JavaScript between the braces exactly as written (not trimmed). */
  readonly source: string;
  readonly start: number;
  readonly end: number;
}

const QUOTES = new Set(["'", '"', "`"]);

/** The index after the string literal opening at `at`, or -1 when it never closes. */
function skipString(text: string, at: number): number {
  const quote = text[at];
  let i = at + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === quote) return i + 1;
    if (quote === "`" && ch === "$" && text[i + 1] === "{") {
      i = substitutionEnd(text, i + 2);
      if (i < 0) return -1;
      continue;
    }
    i += 1;
  }
  return -1;
}

/** The index after the `}` closing a template substitution, or -1 when it never closes. */
function substitutionEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const ch = text[i] as string;
    if (QUOTES.has(ch)) {
      i = skipString(text, i);
      if (i < 0) return -1;
      continue;
    }
    if (ch === "{") depth += 1;
    else if (ch === "}") {
      if (depth === 0) return i + 1;
      depth -= 1;
    }
    i += 1;
  }
  return -1;
}

/**
 * Index of the `}}` closing a binding whose code begins at `start`, or -1 when there is none.
 * Braces inside strings and template literals do not close a binding. A string that never closes
 * or braces that do not balance end the binding at the first `}}`, so that the syntax error is
 * reported on the binding instead of the rest of the text being swallowed.
 */
function bindingEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const ch = text[i] as string;
    if (QUOTES.has(ch)) {
      i = skipString(text, i);
      if (i < 0) return text.indexOf("}}", start);
      continue;
    }
    if (ch === "{") depth += 1;
    else if (ch === "}") {
      if (depth === 0) {
        if (text[i + 1] === "}") return i;
      } else depth -= 1;
    }
    i += 1;
  }
  return text.indexOf("}}", start);
}

/** The literal and binding segments of `text`, in order. An unclosed `{{` stays literal text. */
export function splitSegments(text: string): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  while (pos < text.length) {
    const openAt = text.indexOf("{{", pos);
    if (openAt === -1) break;
    const closeAt = bindingEnd(text, openAt + 2);
    if (closeAt === -1) break;
    if (openAt > pos) out.push({ isBinding: false, source: text.slice(pos, openAt), start: pos, end: openAt });
    out.push({ isBinding: true, source: text.slice(openAt + 2, closeAt), start: openAt, end: closeAt + 2 });
    pos = closeAt + 2;
  }
  if (pos < text.length) out.push({ isBinding: false, source: text.slice(pos), start: pos, end: text.length });
  return out;
}

/** Whether `value` is a string holding at least one complete binding. */
export function hasBinding(value: unknown): value is string {
  return typeof value === "string" && value.includes("{{") && splitSegments(value).some((s) => s.isBinding);
}

/** Whether the whole (trimmed) string is exactly one binding: its value is the JS value, not text. */
export function isSingleBinding(text: string): boolean {
  const segments = splitSegments(text.trim());
  return segments.length === 1 && segments[0]?.isBinding === true;
}

/** The JavaScript source of each binding in `text`. */
export function bindingSources(text: string): string[] {
  return splitSegments(text)
    .filter((s) => s.isBinding)
    .map((s) => s.source);
}
