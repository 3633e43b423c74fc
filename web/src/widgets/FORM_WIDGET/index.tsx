/** FORM_WIDGET: a container that collects its inputs' values as `data`. */
import { boxStyle, str, type WidgetProps } from "../types";

export default function Form({ values, children }: WidgetProps) {
  return (
    <form className="lc-container lc-form" style={{ ...boxStyle(values), background: str(values["backgroundColor"]) || undefined }} onSubmit={(e) => e.preventDefault()}>
      {children}
    </form>
  );
}
