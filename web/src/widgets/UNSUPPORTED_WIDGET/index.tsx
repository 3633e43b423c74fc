/**
 * UNSUPPORTED_WIDGET: where an imported Appsmith widget of a type Lowcraft lacks stands. A visible
 * box naming the original type and the widget, so nothing is dropped silently; the original
 * properties stay on the widget (`originalProperties`) for the day Lowcraft gains the type and a
 * re-import upgrades it. In the editor it is selected, moved, resized and deleted like any widget.
 */
import { str, type WidgetProps } from "../types";

export default function Unsupported({ name, values }: WidgetProps) {
  const original = str(values["originalType"], "an unknown widget");
  return (
    <div className="lc-unsupported" role="note" aria-label={`${name}: ${original} is not supported yet`} data-original-type={original}>
      <strong>{`Appsmith ${original} — not supported yet`}</strong>
      <span>{`${name} keeps its properties and comes back when Lowcraft has this widget and the app is imported again.`}</span>
    </div>
  );
}
