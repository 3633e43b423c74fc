/** MULTI_SELECT_WIDGET_V2: several options from options data. */
import { Field } from "../Field";
import { arr, boxStyle, str, type WidgetProps } from "../types";

interface Option {
  label: unknown;
  value: unknown;
}

export default function MultiSelect({ values, onMeta, onEvent }: WidgetProps) {
  const options = arr(values["options"]) as Option[];
  const selected = new Set(arr(values["value"]));
  return (
    <Field values={values} labelKey="labelText" invalid={values["isValid"] === false && values["isDirty"] === true}>
      <select
        multiple
        className="lc-select"
        disabled={values["isDisabled"] === true}
        style={boxStyle(values)}
        value={options.flatMap((o, i) => (selected.has(o.value) ? [String(i)] : []))}
        onChange={(e) => {
          const picked = [...e.target.selectedOptions].map((el) => options[Number(el.value)]);
          onMeta({ value: picked.map((o) => o?.value), label: picked.map((o) => o?.label) });
          onEvent("onOptionChange");
        }}
      >
        {options.map((o, i) => (
          <option key={i} value={String(i)}>
            {str(o.label)}
          </option>
        ))}
      </select>
    </Field>
  );
}
