/**
 * CHECKBOX_GROUP_WIDGET: several tick boxes from an options list, with an optional "Select all";
 * `selectedValues` follows them and `onSelectionChange` runs.
 */
import { groupOptions, toggledValues } from "../Field/options";
import { arr, str, type WidgetProps } from "../types";

export default function CheckboxGroup({ values, onMeta, onEvent }: WidgetProps) {
  const selected = arr(values["selectedValues"]);
  const options = groupOptions(values["options"]);
  const change = (next: unknown[]) => {
    onMeta({ selectedValues: next, isDirty: true });
    onEvent("onSelectionChange");
  };
  const allChosen = options.length > 0 && options.every((o) => selected.includes(o.value));
  const align = str(values["optionAlignment"], "none");
  return (
    <fieldset
      className={`lc-group${values["isInline"] === true ? " lc-group--inline" : ""}${values["labelPosition"] === "Left" ? " lc-group--left" : ""}`}
      disabled={values["isDisabled"] === true}
      aria-invalid={values["isValid"] === false && values["isDirty"] === true}
      style={{ accentColor: str(values["accentColor"]) || undefined, justifyContent: align === "none" ? undefined : align }}
    >
      <legend style={{ color: str(values["labelTextColor"]) || undefined }}>
        {str(values["label"])}
        {values["isRequired"] === true && <span aria-hidden="true"> *</span>}
      </legend>
      {values["isSelectAll"] === true && (
        <label className="lc-check">
          <input type="checkbox" checked={allChosen} onChange={(e) => change(e.target.checked ? options.map((o) => o.value) : [])} />
          <span>Select all</span>
        </label>
      )}
      {options.map((o, i) => (
        <label key={i} className="lc-check">
          <input type="checkbox" value={str(o.value)} checked={selected.includes(o.value)} onChange={(e) => change(toggledValues(options, selected, o.value, e.target.checked))} />
          <span>{str(o.label)}</span>
        </label>
      ))}
    </fieldset>
  );
}
