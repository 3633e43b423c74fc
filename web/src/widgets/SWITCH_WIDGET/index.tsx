/** SWITCH_WIDGET: an on/off switch. */
import { str, type WidgetProps } from "../types";

export default function Switch({ values, onMeta, onEvent }: WidgetProps) {
  return (
    <label className="lc-check lc-switch" style={{ accentColor: str(values["accentColor"]) || undefined }}>
      <input
        type="checkbox"
        role="switch"
        checked={values["isSwitchedOn"] === true}
        disabled={values["isDisabled"] === true}
        onChange={(e) => {
          onMeta({ isSwitchedOn: e.target.checked });
          onEvent("onChange");
        }}
      />
      <span>{str(values["label"])}</span>
    </label>
  );
}
