/** TEXT_WIDGET: text from a value or binding; markup in it is shown as sanitised HTML. */
import { useMemo } from "react";

import { looksLikeHtml, sanitizeHtml } from "../html";
import { str, type WidgetProps } from "../types";

export default function Text({ values }: WidgetProps) {
  const text = str(values["text"]);
  const html = useMemo(() => (looksLikeHtml(text) ? sanitizeHtml(text) : null), [text]);
  const style = {
    fontSize: str(values["fontSize"]) || undefined,
    fontWeight: str(values["fontStyle"]).includes("BOLD") ? 700 : undefined,
    fontStyle: str(values["fontStyle"]).includes("ITALIC") ? "italic" : undefined,
    textAlign: str(values["textAlign"], "LEFT").toLowerCase() as "left" | "center" | "right",
    color: str(values["textColor"]) || undefined,
    background: str(values["backgroundColor"]) || undefined,
    borderColor: str(values["borderColor"]) || undefined,
    borderWidth: typeof values["borderWidth"] === "number" ? `${values["borderWidth"]}px` : undefined,
    borderStyle: typeof values["borderWidth"] === "number" && values["borderWidth"] > 0 ? "solid" : undefined,
    overflow: values["overflow"] === "SCROLL" ? "auto" : "hidden",
  } as const;
  if (html !== null) return <div className="lc-text lc-text--html" style={style} dangerouslySetInnerHTML={{ __html: html }} />;
  return (
    <div className="lc-text" style={style}>
      {text}
    </div>
  );
}
