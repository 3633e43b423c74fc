/** CHECKBOX_WIDGET: one tick box. */
import { str, type WidgetProps } from "../types";

export default function Checkbox({ values, onMeta, onEvent }: WidgetProps) {
  return (
    <label className="lc-check" style={{ accentColor: str(values["accentColor"]) || undefined }}>
      <input
        type="checkbox"
        checked={values["isChecked"] === true}
        disabled={values["isDisabled"] === true}
        onChange={(e) => {
          onMeta({ isChecked: e.target.checked });
          onEvent("onCheckChange");
        }}
      />
      <span>{str(values["label"])}</span>
    </label>
  );
}
