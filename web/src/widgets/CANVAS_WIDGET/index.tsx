/** CANVAS_WIDGET: the implicit root (and each tab's page); only holds children. */
import type { WidgetProps } from "../types";

export default function Canvas({ children }: WidgetProps) {
  return <div className="lc-canvas">{children}</div>;
}
