/**
 * DATE_PICKER_WIDGET2: a date (and time, per `timePrecision`) kept as an ISO string in
 * `selectedDate`; `formattedDate` follows `dateFormat`; dates outside min/max are refused.
 */
import { Field } from "../Field";
import { boxStyle, str, type WidgetProps } from "../types";
import { fromLocalInput, inputTypeFor, precisionOf, toLocalInput } from "./localInput";

export default function DatePicker({ values, onMeta, onEvent }: WidgetProps) {
  const precision = precisionOf(values["timePrecision"]);
  const min = toLocalInput(values["minDate"], precision);
  const max = toLocalInput(values["maxDate"], precision);
  const invalid = values["isValid"] === false && values["isDirty"] === true;
  const outOfRange = invalid && str(values["selectedDate"]) !== "";
  return (
    <Field values={values} invalid={invalid} message={outOfRange ? `Choose a date between ${min.replace("T", " ")} and ${max.replace("T", " ")}` : "This field is required"}>
      <input
        type={inputTypeFor(precision)}
        step={precision === "second" ? 1 : undefined}
        className="lc-input"
        value={toLocalInput(values["selectedDate"], precision)}
        min={min || undefined}
        max={max || undefined}
        required={values["isRequired"] === true}
        disabled={values["isDisabled"] === true}
        aria-invalid={invalid}
        style={{ ...boxStyle(values), accentColor: str(values["accentColor"]) || undefined }}
        onFocus={() => onEvent("onFocus")}
        onBlur={() => onEvent("onBlur")}
        onChange={(e) => {
          onMeta({ selectedDate: fromLocalInput(e.target.value), isDirty: true });
          onEvent("onDateSelected");
        }}
      />
    </Field>
  );
}
