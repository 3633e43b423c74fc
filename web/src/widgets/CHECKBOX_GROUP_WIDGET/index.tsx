/** CHECKBOX_GROUP_WIDGET: several tick boxes from an options list. */
import { arr, str, type WidgetProps } from "../types";

interface Option {
  label: unknown;
  value: unknown;
}

export default function CheckboxGroup({ values, onMeta, onEvent }: WidgetProps) {
  const selected = arr(values["selectedValues"]);
  return (
    <fieldset className={`lc-group${values["isInline"] === true ? " lc-group--inline" : ""}`} disabled={values["isDisabled"] === true}>
      <legend>{str(values["label"])}</legend>
      {(arr(values["options"]) as Option[]).map((o, i) => (
        <label key={i} className="lc-check">
          <input
            type="checkbox"
            checked={selected.includes(o.value)}
            onChange={(e) => {
              onMeta({ selectedValues: e.target.checked ? [...selected, o.value] : selected.filter((v) => v !== o.value) });
              onEvent("onCheckChange");
            }}
          />
          <span>{str(o.label)}</span>
        </label>
      ))}
    </fieldset>
  );
}
