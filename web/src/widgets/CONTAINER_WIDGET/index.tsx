/** CONTAINER_WIDGET: a box whose children lie on its own grid. */
import { boxStyle, str, type WidgetProps } from "../types";

export default function Container({ values, children }: WidgetProps) {
  return (
    <div className="lc-container" style={{ ...boxStyle(values), background: str(values["backgroundColor"]) || undefined, borderColor: str(values["borderColor"]) || undefined }}>
      {children}
    </div>
  );
}
