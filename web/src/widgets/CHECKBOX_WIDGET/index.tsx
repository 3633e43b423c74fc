/** CHECKBOX_WIDGET: one tick box; `isChecked` (and `value`) follow it, `onCheckChange` runs. */
import { Toggle } from "../Field/Toggle";
import type { WidgetProps } from "../types";

export default function Checkbox({ values, onMeta, onEvent }: WidgetProps) {
  return (
    <Toggle
      values={values}
      checked={values["isChecked"] === true}
      onToggle={(checked) => {
        onMeta({ isChecked: checked, isDirty: true });
        onEvent("onCheckChange");
      }}
    />
  );
}
