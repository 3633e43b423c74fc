/** SWITCH_WIDGET: an on/off switch; `isSwitchedOn` (and `value`) follow it, `onChange` runs. */
import { Toggle } from "../Field/Toggle";
import type { WidgetProps } from "../types";

export default function Switch({ values, onMeta, onEvent }: WidgetProps) {
  return (
    <Toggle
      values={values}
      role="switch"
      checked={values["isSwitchedOn"] === true}
      onToggle={(on) => {
        onMeta({ isSwitchedOn: on, isDirty: true });
        onEvent("onChange");
      }}
    />
  );
}
