/**
 * A fast path for the most common data bindings: expressions made only of names, member paths,
 * integer indexes, calls, string and number literals and operators (`Input1.text + ' / ' +
 * Select1.value`, `!Checkbox1.isChecked`, `Utils.fmt(Table1.tableData.length)`,
 * `getOrders.data[0].name`). Such code declares nothing, so every name not after a dot is a free
 * root and its dotted path (cut at an index) is the reference, exactly as the parser-based
 * analysis finds. The scanner also checks the grammar of this small subset (operands
 * and operators alternate, parentheses balance), so what it accepts parses as one expression.
 * Anything else (functions, braces, other brackets, templates, regular expressions, comments,
 * assignments, keywords that bind names) returns null and goes to the parser.
 */

export interface QuickReference {
  readonly root: string;
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

// Character tests by code unit: this runs on every binding of a page load, mostly before the JIT
// has warmed up, where a regular expression per character costs several times more.
const UNICODE_SPACE = /\s/;
/** An index the fast path accepts: a plain decimal integer (`07` is legacy octal, left to the parser). */
const INTEGER = /^(?:0|[1-9]\d*)(?![\w$.])/;

/** `[A-Za-z_$]` */
function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

/** `[\w$]` */
function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

/** `/\s/` */
function isSpace(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return UNICODE_SPACE.test(ch);
}

/** Longest first. Assignments, `++`/`--`, `=>` and `...` are deliberately absent. */
const OPERATORS = ["===", "!==", ">>>", "==", "!=", "<=", ">=", "&&", "||", "??", "**", "<<", ">>", "+", "-", "*", "%", "<", ">", "!", "~", "&", "|", "^", "?", ":", ","];
/** The operators by their first character, longest first. */
const OPERATORS_BY_FIRST = new Map<string, string[]>();
for (const op of OPERATORS) OPERATORS_BY_FIRST.set(op[0] as string, [...(OPERATORS_BY_FIRST.get(op[0] as string) ?? []), op]);
const PREFIX = new Set(["!", "~", "+", "-"]);
const PREFIX_WORDS = new Set(["typeof", "void", "new"]);
const BINARY_WORDS = new Set(["in", "instanceof"]);
const LITERAL_WORDS = new Set(["null", "true", "false"]);
/** Any other reserved word ends the fast path. */
const RESERVED = new Set([
  "function", "class", "let", "const", "var", "return", "if", "else", "for", "while", "do", "switch", "case",
  "default", "break", "continue", "throw", "try", "catch", "finally", "with", "debugger", "import", "export",
  "await", "async", "yield", "super", "this", "delete", "extends", "enum", "static", "of", "get", "set",
]);

/** The references of `code`, or null when the code is outside the simple subset. */
export function quickReferences(code: string): QuickReference[] | null {
  const refs: QuickReference[] = [];
  /** Open parentheses: whether each is a call's, and whether it has had an argument yet. */
  const parens: { call: boolean; empty: boolean }[] = [];
  let expectOperand = true;
  let i = 0;
  const n = code.length;
  const operand = (): boolean => {
    if (!expectOperand) return false;
    expectOperand = false;
    const top = parens[parens.length - 1];
    if (top) top.empty = false;
    return true;
  };
  while (i < n) {
    const ch = code[i] as string;
    if (isSpace(ch)) {
      i += 1;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < n && code[j] !== ch) {
        if (code[j] === "\n") return null;
        j += code[j] === "\\" ? 2 : 1;
      }
      if (j >= n || !operand()) return null;
      i = j + 1;
      continue;
    }
    if (ch >= "0" && ch <= "9") {
      // Plain decimals only (`10`, `2.5`): other forms go to the parser.
      const m = /^\d+(?:\.\d+)?/.exec(code.slice(i));
      const j = i + (m as RegExpExecArray)[0].length;
      if (j < n && (isIdPart(code.charCodeAt(j)) || code[j] === ".") || !operand()) return null;
      i = j;
      continue;
    }
    if (isIdStart(ch.charCodeAt(0))) {
      let j = i + 1;
      while (j < n && isIdPart(code.charCodeAt(j))) j += 1;
      const word = code.slice(i, j);
      if (RESERVED.has(word)) return null;
      if (PREFIX_WORDS.has(word)) {
        if (!expectOperand) return null;
        i = j;
        continue;
      }
      if (BINARY_WORDS.has(word)) {
        if (expectOperand) return null;
        expectOperand = true;
        i = j;
        continue;
      }
      if (!operand()) return null;
      if (LITERAL_WORDS.has(word)) {
        i = j;
        continue;
      }
      // A root name: follow `.name` and `?.name` to build its static path. An integer index
      // (`data[0].name`) ends the path, as a computed key does for the parser; the member chain
      // may go on after it but reads no other name.
      const parts = [word];
      let end = j;
      let tail = j;
      let cut = false;
      for (;;) {
        let m = tail;
        while (m < n && isSpace(code[m] as string)) m += 1;
        if (code[m] === "[") {
          m += 1;
          while (m < n && isSpace(code[m] as string)) m += 1;
          const index = INTEGER.exec(code.slice(m));
          if (!index) return null;
          m += index[0].length;
          while (m < n && isSpace(code[m] as string)) m += 1;
          if (code[m] !== "]") return null;
          tail = m + 1;
          cut = true;
          continue;
        }
        let step = 0;
        if (code[m] === ".") step = 1;
        else if (code[m] === "?" && code[m + 1] === "." && !/\d/.test(code[m + 2] ?? "")) step = 2;
        if (step === 0) break;
        m += step;
        while (m < n && isSpace(code[m] as string)) m += 1;
        if (!isIdStart(code.charCodeAt(m))) return null; // `a?.()`, `a?.[k]`, `a..b`: the parser decides
        let e = m + 1;
        while (e < n && isIdPart(code.charCodeAt(e))) e += 1;
        if (!cut) {
          parts.push(code.slice(m, e));
          end = e;
        }
        tail = e;
      }
      refs.push({ root: word, path: parts.join("."), start: i, end });
      i = tail;
      continue;
    }
    if (ch === "(") {
      parens.push({ call: !expectOperand, empty: true });
      if (!expectOperand) expectOperand = true;
      i += 1;
      continue;
    }
    if (ch === ")") {
      const top = parens.pop();
      if (!top) return null;
      if (expectOperand && !(top.call && top.empty)) return null;
      expectOperand = false;
      const outer = parens[parens.length - 1];
      if (outer) outer.empty = false;
      i += 1;
      continue;
    }
    const op = OPERATORS_BY_FIRST.get(ch)?.find((o) => code.startsWith(o, i));
    if (!op) return null;
    if (code.startsWith("++", i) || code.startsWith("--", i) || code.startsWith("=>", i + op.length - 1)) return null;
    const next = code[i + op.length];
    if (next === "=" && op !== "!" ) return null; // an assignment operator (`+=`, `<<=`, `??=`, ...)
    if (expectOperand) {
      if (!PREFIX.has(op)) return null;
    } else {
      if (op === "!" || op === "~") return null;
      expectOperand = true;
    }
    i += op.length;
  }
  if (expectOperand || parens.length > 0) return null;
  return refs;
}
