/** RADIO_GROUP_WIDGET: one choice from an options list; `selectedOptionValue` follows it. */
import { groupOptions } from "../Field/options";
import { str, type WidgetProps } from "../types";

export default function RadioGroup({ name, values, onMeta, onEvent }: WidgetProps) {
  const align = str(values["alignment"], "left");
  return (
    <fieldset
      className={`lc-group${values["isInline"] === true ? " lc-group--inline" : ""}`}
      disabled={values["isDisabled"] === true}
      role="radiogroup"
      aria-required={values["isRequired"] === true}
      aria-invalid={values["isValid"] === false && values["isDirty"] === true}
      style={{ accentColor: str(values["accentColor"]) || undefined, justifyContent: align === "left" ? undefined : align === "right" ? "flex-end" : align }}
    >
      <legend style={{ color: str(values["labelTextColor"]) || undefined }}>
        {str(values["label"])}
        {values["isRequired"] === true && <span aria-hidden="true"> *</span>}
      </legend>
      {groupOptions(values["options"]).map((o, i) => (
        <label key={i} className="lc-check">
          <input
            type="radio"
            name={name}
            value={str(o.value)}
            checked={values["selectedOptionValue"] === o.value}
            onChange={() => {
              onMeta({ selectedOptionValue: o.value, isDirty: true });
              onEvent("onSelectionChange");
            }}
          />
          <span>{str(o.label)}</span>
        </label>
      ))}
    </fieldset>
  );
}
