/** DATE_PICKER_WIDGET2: a date (and time) stored as an ISO string. */
import { Field } from "../Field";
import { boxStyle, str, type WidgetProps } from "../types";

/** `YYYY-MM-DDTHH:mm` in local time, as a datetime-local input wants it. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (iso === "" || Number.isNaN(d.getTime())) return "";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export default function DatePicker({ values, onMeta, onEvent }: WidgetProps) {
  return (
    <Field values={values} invalid={values["isValid"] === false && values["isDirty"] === true}>
      <input
        type="datetime-local"
        className="lc-input"
        value={toLocalInput(str(values["selectedDate"]))}
        min={toLocalInput(str(values["minDate"])) || undefined}
        max={toLocalInput(str(values["maxDate"])) || undefined}
        disabled={values["isDisabled"] === true}
        style={boxStyle(values)}
        onChange={(e) => {
          const d = new Date(e.target.value);
          onMeta({ selectedDate: Number.isNaN(d.getTime()) ? "" : d.toISOString() });
          onEvent("onDateSelected");
        }}
      />
    </Field>
  );
}
