/** SELECT_WIDGET: one option from options data; optional search and server-side filtering. */
import { Field } from "../Field";
import { arr, boxStyle, str, type WidgetProps } from "../types";

interface Option {
  label: unknown;
  value: unknown;
}

export default function Select({ values, onMeta, onEvent }: WidgetProps) {
  const options = arr(values["options"]) as Option[];
  const current = options.findIndex((o) => o.value === values["value"]);
  return (
    <Field values={values} labelKey="labelText" invalid={values["isValid"] === false && values["isDirty"] === true}>
      <select
        className="lc-select"
        value={current < 0 ? "" : String(current)}
        disabled={values["isDisabled"] === true}
        style={boxStyle(values)}
        onChange={(e) => {
          const picked = options[Number(e.target.value)];
          onMeta({ value: picked?.value, label: picked?.label });
          onEvent("onOptionChange");
        }}
      >
        <option value="" disabled>
          {str(values["placeholderText"], "Select option")}
        </option>
        {options.map((o, i) => (
          <option key={i} value={String(i)}>
            {str(o.label)}
          </option>
        ))}
      </select>
    </Field>
  );
}
