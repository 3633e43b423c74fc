/** STATBOX_WIDGET: a small card whose content (figure, title, icon) is its child widgets. */
import { boxStyle, num, str, type WidgetProps } from "../types";

export default function Statbox({ values, children }: WidgetProps) {
  return (
    <div
      className="lc-container lc-statbox"
      style={{ ...boxStyle(values), background: str(values["backgroundColor"]) || undefined, border: `${num(values["borderWidth"], 1)}px solid ${str(values["borderColor"], "#E0DEDE")}` }}
    >
      {children}
    </div>
  );
}
