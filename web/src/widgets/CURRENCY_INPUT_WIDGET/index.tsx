/** CURRENCY_INPUT_WIDGET: an amount with its currency code. */
import { Field } from "../Field";
import { boxStyle, str, type WidgetProps } from "../types";

export default function CurrencyInput({ values, onMeta, onEvent }: WidgetProps) {
  const invalid = values["isValid"] === false && values["isDirty"] === true;
  return (
    <Field values={values} invalid={invalid} message={str(values["errorMessage"])}>
      <span className="lc-currency">
        <span className="lc-currency__code">{str(values["currencyCode"], "USD")}</span>
        <input
          className="lc-input"
          inputMode="decimal"
          value={str(values["text"])}
          placeholder={str(values["placeholderText"])}
          disabled={values["isDisabled"] === true}
          aria-invalid={invalid}
          style={boxStyle(values)}
          onChange={(e) => {
            onMeta({ text: e.target.value });
            onEvent("onTextChanged");
          }}
        />
      </span>
    </Field>
  );
}
