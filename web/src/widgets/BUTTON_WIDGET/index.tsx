/** BUTTON_WIDGET: runs onClick; disabled by its flag or, in a form, while the form is invalid. */
import { useForm } from "../formContext";
import { boxStyle, str, type WidgetProps, type WidgetValues } from "../types";

/**
 * What a button is to its form. A SUBMIT button is the form's default button: Enter in one of
 * the form's fields clicks it (HTML's implicit submission; the Form never lets the page submit).
 * A RESET button, like any button with `resetFormOnClick`, puts the fields back after onClick.
 */
export function formRole(values: WidgetValues): { htmlType: "submit" | "button"; resetsForm: boolean } {
  const buttonType = str(values["buttonType"], "BUTTON");
  return {
    htmlType: buttonType === "SUBMIT" ? "submit" : "button",
    resetsForm: buttonType === "RESET" || values["resetFormOnClick"] === true,
  };
}

export default function Button({ values, onEvent }: WidgetProps) {
  const form = useForm();
  const variant = str(values["buttonVariant"], "PRIMARY");
  const color = str(values["buttonColor"]) || "var(--lc-primary)";
  const blockedByForm = values["disabledWhenInvalid"] === true && form !== null && !form.valid;
  const role = formRole(values);
  return (
    <button
      type={role.htmlType}
      className={`lc-button lc-button--${variant.toLowerCase()}`}
      title={str(values["tooltip"]) || undefined}
      disabled={values["isDisabled"] === true || blockedByForm}
      style={{ ...boxStyle(values), background: variant === "PRIMARY" ? color : "transparent", borderColor: color, color: variant === "PRIMARY" ? "#fff" : color }}
      onClick={() => {
        onEvent("onClick");
        if (role.resetsForm) form?.reset();
      }}
    >
      {str(values["text"])}
    </button>
  );
}
