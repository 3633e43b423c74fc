/**
 * A fast path for the most common data bindings: expressions made only of names, member paths,
 * calls, string and number literals and operators (`Input1.text + ' / ' + Select1.value`,
 * `!Checkbox1.isChecked`, `Utils.fmt(Table1.tableData.length)`). Such code declares nothing, so
 * every name not after a dot is a free root and its dotted path is the reference, exactly as the
 * parser-based analysis finds. The scanner also checks the grammar of this small subset (operands
 * and operators alternate, parentheses balance), so what it accepts parses as one expression.
 * Anything else (functions, braces, brackets, templates, regular expressions, comments,
 * assignments, keywords that bind names) returns null and goes to the parser.
 */

export interface QuickReference {
  readonly root: string;
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

const ID_START = /[A-Za-z_$]/;
const ID_PART = /[\w$]/;
const SPACE = /\s/;
/** Longest first. Assignments, `++`/`--`, `=>` and `...` are deliberately absent. */
const OPERATORS = ["===", "!==", ">>>", "==", "!=", "<=", ">=", "&&", "||", "??", "**", "<<", ">>", "+", "-", "*", "%", "<", ">", "!", "~", "&", "|", "^", "?", ":", ","];
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
    if (SPACE.test(ch)) {
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
      if (j < n && (ID_PART.test(code[j] as string) || code[j] === ".") || !operand()) return null;
      i = j;
      continue;
    }
    if (ID_START.test(ch)) {
      let j = i + 1;
      while (j < n && ID_PART.test(code[j] as string)) j += 1;
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
      // A root name: follow `.name` and `?.name` to build its static path.
      const parts = [word];
      let end = j;
      for (;;) {
        let m = end;
        while (m < n && SPACE.test(code[m] as string)) m += 1;
        let step = 0;
        if (code[m] === ".") step = 1;
        else if (code[m] === "?" && code[m + 1] === "." && !/\d/.test(code[m + 2] ?? "")) step = 2;
        if (step === 0) break;
        m += step;
        while (m < n && SPACE.test(code[m] as string)) m += 1;
        if (!ID_START.test(code[m] ?? "")) return null; // `a?.()`, `a?.[k]`, `a..b`: the parser decides
        let e = m + 1;
        while (e < n && ID_PART.test(code[e] as string)) e += 1;
        parts.push(code.slice(m, e));
        end = e;
      }
      refs.push({ root: word, path: parts.join("."), start: i, end });
      i = end;
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
    const op = OPERATORS.find((o) => code.startsWith(o, i));
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
