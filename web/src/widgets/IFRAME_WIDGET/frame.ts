/** What an iframe widget may load, and with which sandbox. Pure, tested without a browser. */

/** Only web addresses load; `javascript:` and friends never reach the frame. */
export function safeSource(src: string): string | undefined {
  return /^https?:\/\//i.test(src.trim()) ? src.trim() : undefined;
}

/**
 * Scripts, forms and popups always; the page's own origin only for a page from another site with
 * `sandboxed` turned off (embeds such as maps need it). Inline HTML and same-site pages never get
 * it, since that would let them reach the app's session.
 */
export function sandboxFor(src: string | undefined, usesSrcDoc: boolean, sandboxed: boolean, appOrigin: string): string {
  const base = "allow-scripts allow-forms allow-popups";
  if (sandboxed || usesSrcDoc || src === undefined) return base;
  try {
    return new URL(src).origin === appOrigin ? base : `${base} allow-same-origin`;
  } catch {
    return base;
  }
}
