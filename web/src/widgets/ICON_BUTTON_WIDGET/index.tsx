/** ICON_BUTTON_WIDGET: a square button showing an icon, filled, outlined or plain per `buttonVariant`; runs onClick. */
import { boxStyle, str, type WidgetProps } from "../types";
import { glyphOf } from "./icons";

export default function IconButton({ values, onEvent }: WidgetProps) {
  const icon = str(values["iconName"], "plus");
  const color = str(values["buttonColor"]) || "var(--lc-primary)";
  const variant = str(values["buttonVariant"], "PRIMARY");
  const look =
    variant === "PRIMARY"
      ? { background: color, borderColor: color, color: "#fff" }
      : variant === "SECONDARY"
        ? { background: "transparent", borderColor: color, color }
        : { background: "transparent", borderColor: "transparent", color };
  return (
    <button
      type="button"
      className={`lc-icon-button lc-icon-button--${variant.toLowerCase()}`}
      aria-label={str(values["tooltip"]) || icon}
      title={str(values["tooltip"]) || undefined}
      disabled={values["isDisabled"] === true}
      style={{ ...boxStyle(values), ...look }}
      onClick={() => onEvent("onClick")}
    >
      <span className="lc-icon" data-icon={icon} aria-hidden="true">
        {glyphOf(icon)}
      </span>
    </button>
  );
}
