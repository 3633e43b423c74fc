/** BUTTON_WIDGET: runs onClick; disabled by its flag or, in a form, while the form is invalid. */
import { boxStyle, str, type WidgetProps } from "../types";

export default function Button({ values, onEvent }: WidgetProps) {
  const variant = str(values["buttonVariant"], "PRIMARY");
  const color = str(values["buttonColor"]) || "var(--lc-primary)";
  return (
    <button
      type={values["buttonType"] === "SUBMIT" ? "submit" : "button"}
      className={`lc-button lc-button--${variant.toLowerCase()}`}
      title={str(values["tooltip"]) || undefined}
      disabled={values["isDisabled"] === true}
      style={{ ...boxStyle(values), background: variant === "PRIMARY" ? color : "transparent", borderColor: color, color: variant === "PRIMARY" ? "#fff" : color }}
      onClick={() => onEvent("onClick")}
    >
      {str(values["text"])}
    </button>
  );
}
