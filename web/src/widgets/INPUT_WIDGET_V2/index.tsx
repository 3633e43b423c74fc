/** INPUT_WIDGET_V2: text, number, email, password or multi-line input with validation. */
import { Field } from "../Field";
import { boxStyle, str, type WidgetProps } from "../types";

const HTML_TYPES: Record<string, string> = { NUMBER: "number", EMAIL: "email", PASSWORD: "password", TEXT: "text" };

export default function Input({ values, onMeta, onEvent }: WidgetProps) {
  const type = str(values["inputType"], "TEXT");
  const invalid = values["isValid"] === false && values["isDirty"] === true;
  const common = {
    className: "lc-input",
    value: str(values["text"]),
    placeholder: str(values["placeholderText"]),
    disabled: values["isDisabled"] === true,
    required: values["isRequired"] === true,
    "aria-invalid": invalid,
    style: { ...boxStyle(values), accentColor: str(values["accentColor"]) || undefined },
    onFocus: () => onMeta({ isFocused: true }),
    onBlur: () => onMeta({ isFocused: false }),
  };
  const change = (text: string) => {
    const n = Number(text);
    onMeta({ text: type === "NUMBER" && text.trim() !== "" && Number.isFinite(n) ? n : text, inputText: text });
    onEvent("onTextChanged");
  };
  return (
    <Field values={values} invalid={invalid} message={str(values["errorMessage"])}>
      {type === "MULTI_LINE_TEXT" ? (
        <textarea {...common} onChange={(e) => change(e.target.value)} />
      ) : (
        <input
          {...common}
          type={HTML_TYPES[type] ?? "text"}
          maxLength={typeof values["maxChars"] === "number" ? values["maxChars"] : undefined}
          onChange={(e) => change(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && onEvent("onSubmit")}
        />
      )}
    </Field>
  );
}
