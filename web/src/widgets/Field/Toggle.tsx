/**
 * A labelled on/off control (checkbox or switch): the label on the side the developer chose, the
 * control aligned left or right, and a required mark.
 */
import { str, type WidgetValues } from "../types";

export function Toggle(props: { values: WidgetValues; checked: boolean; role?: "switch"; onToggle: (checked: boolean) => void }) {
  const v = props.values;
  const labelLeft = v["labelPosition"] === "Left";
  const label = (
    <span className="lc-check__label" style={{ color: str(v["labelTextColor"]) || undefined, fontSize: str(v["labelTextSize"]) || undefined }}>
      {str(v["label"])}
      {v["isRequired"] === true && <span aria-hidden="true"> *</span>}
    </span>
  );
  return (
    <label
      className={`lc-check${props.role === "switch" ? " lc-switch" : ""}`}
      style={{ accentColor: str(v["accentColor"]) || undefined, justifyContent: v["alignWidget"] === "RIGHT" ? "flex-end" : undefined }}
    >
      {labelLeft && label}
      <input
        type="checkbox"
        role={props.role}
        checked={props.checked}
        disabled={v["isDisabled"] === true}
        required={v["isRequired"] === true}
        aria-invalid={v["isValid"] === false && v["isDirty"] === true}
        onChange={(e) => props.onToggle(e.target.checked)}
      />
      {!labelLeft && label}
    </label>
  );
}
