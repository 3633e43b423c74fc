/**
 * HTML that comes from users or data (a Text widget's text, an html table column) is sanitised
 * with DOMPurify before it reaches the page: no scripts, no event handler attributes, no
 * javascript: URLs. Links that open a new window get rel="noopener".
 */
import DOMPurify from "dompurify";

let hooked = false;

const escapeHtml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Does this text hold markup (a tag), so it should be shown as HTML? */
export const looksLikeHtml = (text: string): boolean => /<\/?[a-z][a-z0-9-]*(\s[^>]*)?\/?>/i.test(text);

export function sanitizeHtml(html: string): string {
  // Outside a browser (server rendering in tests) DOMPurify cannot parse; show the markup as text.
  if (!DOMPurify.isSupported) return escapeHtml(html);
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A" && node.getAttribute("target") === "_blank") node.setAttribute("rel", "noopener noreferrer");
    });
  }
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, ADD_ATTR: ["target"], FORBID_TAGS: ["style", "form"] });
}
