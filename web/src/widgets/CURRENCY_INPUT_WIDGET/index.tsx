/**
 * CURRENCY_INPUT_WIDGET: an amount in a currency. `text` holds what was typed (at most `decimals`
 * decimals), `value` the number; away from the field the amount is shown grouped and padded to
 * its decimals. With `allowCurrencyChange` the user picks the currency (`currencyCode`).
 */
import { Field } from "../Field";
import { boxStyle, num, str, type WidgetProps } from "../types";
import { acceptAmount, CURRENCIES, currencySymbol, formatAmount } from "./amount";

export default function CurrencyInput({ values, onMeta, onEvent }: WidgetProps) {
  const invalid = values["isValid"] === false && values["isDirty"] === true;
  const decimals = num(values["decimals"], 0);
  const code = str(values["currencyCode"]) || str(values["defaultCurrencyCode"], "USD");
  const focused = values["isFocused"] === true;
  const text = str(values["text"]);
  const codes = CURRENCIES.includes(code) ? CURRENCIES : [code, ...CURRENCIES];
  return (
    <Field values={values} invalid={invalid} message={str(values["errorMessage"]) || (text === "" ? "This field is required" : "Enter a valid amount")}>
      <span className="lc-currency">
        {values["allowCurrencyChange"] === true ? (
          <select
            className="lc-currency__code"
            aria-label="Currency"
            value={code}
            disabled={values["isDisabled"] === true}
            onChange={(e) => {
              onMeta({ currencyCode: e.target.value });
              onEvent("onTextChanged");
            }}
          >
            {codes.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        ) : (
          <span className="lc-currency__code" title={code}>
            {currencySymbol(code)}
          </span>
        )}
        <input
          className="lc-input"
          inputMode={decimals > 0 ? "decimal" : "numeric"}
          value={focused ? text : formatAmount(text, decimals)}
          placeholder={str(values["placeholderText"])}
          disabled={values["isDisabled"] === true}
          required={values["isRequired"] === true}
          autoFocus={values["autoFocus"] === true}
          aria-invalid={invalid}
          style={{ ...boxStyle(values), accentColor: str(values["accentColor"]) || undefined }}
          onFocus={() => {
            onMeta({ isFocused: true });
            onEvent("onFocus");
          }}
          onBlur={() => {
            onMeta({ isFocused: false });
            onEvent("onBlur");
          }}
          onKeyDown={(e) => e.key === "Enter" && onEvent("onSubmit")}
          onChange={(e) => {
            const accepted = acceptAmount(e.target.value, decimals);
            if (accepted === null) return;
            onMeta({ text: accepted });
            onEvent("onTextChanged");
          }}
        />
      </span>
    </Field>
  );
}
