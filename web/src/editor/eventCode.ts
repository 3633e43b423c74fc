/**
 * The event action picker: a list of steps (run a query, show an alert, ...) written as readable
 * JavaScript that runs them one after the other, and read back from such code so the picker can
 * show what a handler does. Code the picker did not write opens in JS mode.
 */
export type Step =
  | { readonly kind: "runQuery"; readonly name: string }
  | { readonly kind: "showAlert"; readonly message: string; readonly style: "info" | "success" | "warning" | "error" }
  | { readonly kind: "navigateTo"; readonly page: string }
  | { readonly kind: "showModal"; readonly name: string }
  | { readonly kind: "closeModal"; readonly name: string }
  | { readonly kind: "storeValue"; readonly key: string; readonly value: string }
  | { readonly kind: "runJs"; readonly object: string; readonly fn: string }
  /** `data`: a JS expression (empty: no input); `wait: false` resolves with the run id at once. */
  | { readonly kind: "triggerWorkflow"; readonly workflow: string; readonly data: string; readonly wait: boolean };

export const STEP_LABELS: Record<Step["kind"], string> = {
  runQuery: "Run query",
  showAlert: "Show alert",
  navigateTo: "Navigate to",
  showModal: "Open modal",
  closeModal: "Close modal",
  storeValue: "Store value",
  runJs: "Run JS function",
  triggerWorkflow: "Trigger workflow",
};

const quote = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;

/** One step as a JavaScript call (each returns a promise). */
export function stepCode(step: Step): string {
  switch (step.kind) {
    case "runQuery":
      return `${step.name}.run()`;
    case "showAlert":
      return `showAlert(${quote(step.message)}, ${quote(step.style)})`;
    case "navigateTo":
      return `navigateTo(${quote(step.page)})`;
    case "showModal":
      return `showModal(${quote(step.name)})`;
    case "closeModal":
      return `closeModal(${quote(step.name)})`;
    case "storeValue":
      return `storeValue(${quote(step.key)}, ${step.value.trim() === "" ? "undefined" : step.value})`;
    case "runJs":
      return `${step.object}.${step.fn}()`;
    case "triggerWorkflow": {
      const data = step.data.trim() === "" ? "{}" : step.data.trim();
      return `triggerWorkflow(${quote(step.workflow)}, ${data}${step.wait ? "" : ", { wait: false }"})`;
    }
  }
}

/** `{{first().then(() => second())}}`: the steps in order, each after the previous one finished. */
export function stepsToCode(steps: readonly Step[]): string {
  if (steps.length === 0) return "";
  const [first, ...rest] = steps.map(stepCode);
  return `{{${first}${rest.map((c) => `.then(() => ${c})`).join("")}}}`;
}

const STRING = String.raw`'((?:[^'\\]|\\.)*)'`;
const IDENT = "([A-Za-z_$][\\w$]*)";
const unquote = (s: string): string => s.replace(/\\n/g, "\n").replace(/\\(.)/g, "$1");

const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => Step][] = [
  [new RegExp(`^${IDENT}\\.run\\(\\)$`), (m) => ({ kind: "runQuery", name: m[1] as string })],
  [
    new RegExp(`^showAlert\\(${STRING}, '(info|success|warning|error)'\\)$`),
    (m) => ({ kind: "showAlert", message: unquote(m[1] as string), style: m[2] as "info" | "success" | "warning" | "error" }),
  ],
  [new RegExp(`^navigateTo\\(${STRING}\\)$`), (m) => ({ kind: "navigateTo", page: unquote(m[1] as string) })],
  [new RegExp(`^showModal\\(${STRING}\\)$`), (m) => ({ kind: "showModal", name: unquote(m[1] as string) })],
  [new RegExp(`^closeModal\\(${STRING}\\)$`), (m) => ({ kind: "closeModal", name: unquote(m[1] as string) })],
  [new RegExp(`^storeValue\\(${STRING}, (.*)\\)$`), (m) => ({ kind: "storeValue", key: unquote(m[1] as string), value: m[2] === "undefined" ? "" : (m[2] as string) })],
  [new RegExp(`^${IDENT}\\.${IDENT}\\(\\)$`), (m) => ({ kind: "runJs", object: m[1] as string, fn: m[2] as string })],
  [
    new RegExp(`^triggerWorkflow\\(${STRING}, (.*?)(, \\{ wait: false \\})?\\)$`),
    (m) => ({ kind: "triggerWorkflow", workflow: unquote(m[1] as string), data: m[2] === "{}" ? "" : (m[2] as string), wait: m[3] === undefined }),
  ],
];

/** Split `a.then(() => b).then(() => c)` at the top level. */
function splitChain(code: string): string[] | null {
  const parts: string[] = [];
  let rest = code;
  for (;;) {
    const at = rest.lastIndexOf(".then(() => ");
    if (at < 0 || !rest.endsWith(")")) break;
    const inner = rest.slice(at + ".then(() => ".length, -1);
    if (!balanced(inner)) break;
    parts.unshift(inner);
    rest = rest.slice(0, at);
  }
  if (!balanced(rest)) return null;
  parts.unshift(rest);
  return parts;
}

function balanced(code: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < code.length; i += 1) {
    const c = code[i];
    if (inString) {
      if (c === "\\") i += 1;
      else if (c === "'") inString = false;
    } else if (c === "'") inString = true;
    else if (c === "(") depth += 1;
    else if (c === ")") {
      depth -= 1;
      if (depth < 0) return false;
    }
  }
  return depth === 0 && !inString;
}

/** The steps a handler runs, or null when the handler is code the picker cannot show. */
export function codeToSteps(code: string): Step[] | null {
  const trimmed = code.trim();
  if (trimmed === "") return [];
  const match = /^\{\{([\s\S]*)\}\}$/.exec(trimmed);
  if (!match) return null;
  const body = (match[1] as string).trim().replace(/;$/, "");
  const parts = splitChain(body);
  if (!parts) return null;
  const steps: Step[] = [];
  for (const part of parts) {
    const found = PATTERNS.map(([re, make]) => {
      const m = re.exec(part.trim());
      return m ? make(m) : null;
    }).find((s) => s !== null);
    if (!found) return null;
    steps.push(found);
  }
  return steps;
}
