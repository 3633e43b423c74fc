/** TEXT_WIDGET: text from a value or binding; shown as text (never as HTML). */
import { str, type WidgetProps } from "../types";

export default function Text({ values }: WidgetProps) {
  return (
    <div
      className="lc-text"
      style={{
        fontSize: str(values["fontSize"]) || undefined,
        fontWeight: str(values["fontStyle"]).includes("BOLD") ? 700 : undefined,
        fontStyle: str(values["fontStyle"]).includes("ITALIC") ? "italic" : undefined,
        textAlign: (str(values["textAlign"], "LEFT").toLowerCase() as "left" | "center" | "right"),
        color: str(values["textColor"]) || undefined,
        background: str(values["backgroundColor"]) || undefined,
        overflow: values["overflow"] === "SCROLL" ? "auto" : "hidden",
      }}
    >
      {str(values["text"])}
    </div>
  );
}
