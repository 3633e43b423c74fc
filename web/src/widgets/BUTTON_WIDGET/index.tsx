/** BUTTON_WIDGET: runs onClick; disabled by its flag or, in a form, while the form is invalid. */
import { useForm } from "../formContext";
import { boxStyle, str, type WidgetProps } from "../types";

export default function Button({ values, onEvent }: WidgetProps) {
  const form = useForm();
  const variant = str(values["buttonVariant"], "PRIMARY");
  const color = str(values["buttonColor"]) || "var(--lc-primary)";
  const blockedByForm = values["disabledWhenInvalid"] === true && form !== null && !form.valid;
  return (
    <button
      type="button"
      className={`lc-button lc-button--${variant.toLowerCase()}`}
      title={str(values["tooltip"]) || undefined}
      disabled={values["isDisabled"] === true || blockedByForm}
      style={{ ...boxStyle(values), background: variant === "PRIMARY" ? color : "transparent", borderColor: color, color: variant === "PRIMARY" ? "#fff" : color }}
      onClick={() => {
        onEvent("onClick");
        if (values["resetFormOnClick"] === true) form?.reset();
      }}
    >
      {str(values["text"])}
    </button>
  );
}
