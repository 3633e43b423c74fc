/** ICON_BUTTON_WIDGET: a square button showing an icon name; runs onClick. */
import { boxStyle, str, type WidgetProps } from "../types";

export default function IconButton({ values, onEvent }: WidgetProps) {
  const icon = str(values["iconName"], "plus");
  return (
    <button
      type="button"
      className="lc-icon-button"
      aria-label={str(values["tooltip"]) || icon}
      title={str(values["tooltip"]) || undefined}
      disabled={values["isDisabled"] === true}
      style={{ ...boxStyle(values), background: str(values["buttonColor"]) || "var(--lc-primary)" }}
      onClick={() => onEvent("onClick")}
    >
      <span className="lc-icon" data-icon={icon} aria-hidden="true" />
    </button>
  );
}
