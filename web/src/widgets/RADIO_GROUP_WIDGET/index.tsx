/** RADIO_GROUP_WIDGET: one choice from an options list. */
import { arr, str, type WidgetProps } from "../types";

interface Option {
  label: unknown;
  value: unknown;
}

export default function RadioGroup({ name, values, onMeta, onEvent }: WidgetProps) {
  return (
    <fieldset className={`lc-group${values["isInline"] === true ? " lc-group--inline" : ""}`} disabled={values["isDisabled"] === true}>
      <legend>{str(values["label"])}</legend>
      {(arr(values["options"]) as Option[]).map((o, i) => (
        <label key={i} className="lc-check">
          <input
            type="radio"
            name={name}
            checked={values["selectedOptionValue"] === o.value}
            onChange={() => {
              onMeta({ selectedOptionValue: o.value });
              onEvent("onSelectionChange");
            }}
          />
          <span>{str(o.label)}</span>
        </label>
      ))}
    </fieldset>
  );
}
