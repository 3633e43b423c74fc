/** The theme's font choices: a name developers recognise and the CSS font stack the app uses. */
export interface FontChoice {
  readonly label: string;
  readonly stack: string;
}

export const FONT_CHOICES: readonly FontChoice[] = [
  { label: "System", stack: "system-ui" },
  { label: "Sans serif", stack: "Helvetica Neue, Arial, sans-serif" },
  { label: "Humanist", stack: "Segoe UI, Ubuntu, Cantarell, sans-serif" },
  { label: "Serif", stack: "Georgia, Times New Roman, serif" },
  { label: "Rounded", stack: "Nunito, Varela Round, ui-rounded, sans-serif" },
  { label: "Monospace", stack: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" },
];

/** The choice a stored font is, or null for a font stack the developer typed themselves. */
export function fontChoiceOf(stack: string | undefined): FontChoice | null {
  const s = (stack ?? "").trim() || "system-ui";
  return FONT_CHOICES.find((c) => c.stack === s) ?? null;
}

/** A typed font stack cleaned for CSS: no characters that could end the declaration. */
export function cleanStack(text: string): string {
  return text.replace(/[;{}<>]/g, "").trim();
}
