/** INPUT_WIDGET_V2: text, number, email, password or multi-line input with validation. */
import { Field } from "../Field";
import { boxStyle, str, type WidgetProps } from "../types";
import { inputProblem } from "./problem";

const HTML_TYPES: Record<string, string> = { NUMBER: "number", EMAIL: "email", PASSWORD: "password", TEXT: "text" };

export default function Input({ values, onMeta, onEvent }: WidgetProps) {
  const type = str(values["inputType"], "TEXT");
  const problem = values["isDirty"] === true ? inputProblem(values) : null;
  const common = {
    className: "lc-input",
    value: str(values["inputText"] ?? values["text"]),
    placeholder: str(values["placeholderText"]),
    disabled: values["isDisabled"] === true,
    required: values["isRequired"] === true,
    autoFocus: values["autoFocus"] === true,
    spellCheck: values["isSpellCheck"] === true,
    "aria-invalid": problem !== null,
    style: { ...boxStyle(values), accentColor: str(values["accentColor"]) || undefined },
    onFocus: () => {
      onMeta({ isFocused: true });
      onEvent("onFocus");
    },
    onBlur: () => {
      onMeta({ isFocused: false });
      onEvent("onBlur");
    },
  };
  const change = (text: string) => {
    const n = Number(text);
    onMeta({ text: type === "NUMBER" && text.trim() !== "" && Number.isFinite(n) ? n : text, inputText: text });
    onEvent("onTextChanged");
  };
  return (
    <Field values={values} invalid={problem !== null} message={problem ?? undefined}>
      {type === "MULTI_LINE_TEXT" ? (
        <textarea {...common} onChange={(e) => change(e.target.value)} />
      ) : (
        <input
          {...common}
          type={HTML_TYPES[type] ?? "text"}
          min={type === "NUMBER" && typeof values["minNum"] === "number" ? values["minNum"] : undefined}
          max={type === "NUMBER" && typeof values["maxNum"] === "number" ? values["maxNum"] : undefined}
          maxLength={typeof values["maxChars"] === "number" ? values["maxChars"] : undefined}
          onChange={(e) => change(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== "Enter") return;
            // A field with its own onSubmit handles Enter itself; without one, Enter falls through
            // to the surrounding Form's submit button (see BUTTON_WIDGET's formRole).
            if (str(values["onSubmit"]).trim()) e.preventDefault();
            onEvent("onSubmit");
          }}
        />
      )}
    </Field>
  );
}
