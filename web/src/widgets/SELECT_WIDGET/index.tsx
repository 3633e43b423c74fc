/**
 * SELECT_WIDGET: one option from options data. A native select when not filterable (best on
 * phones); a searchable dropdown when `isFilterable`, with `onFilterUpdate` for server-side filtering.
 */
import { Field } from "../Field";
import { Picker } from "../Picker";
import type { Option } from "../Picker/options";
import { arr, boxStyle, str, type WidgetProps } from "../types";

export default function Select({ name, values, onMeta, onEvent }: WidgetProps) {
  const options = arr(values["options"]) as Option[];
  const invalid = values["isValid"] === false && values["isDirty"] === true;
  const label = str(values["labelText"]) || name;
  const pick = (option: Option | undefined) => {
    onMeta({ value: option?.value, label: option?.label });
    onEvent("onOptionChange");
  };
  if (values["isFilterable"] === true) {
    return (
      <Field values={values} labelKey="labelText" invalid={invalid} message="Choose an option" group>
        <Picker
          label={label}
          options={options}
          chosen={values["value"] === undefined || values["value"] === null ? [] : [values["value"]]}
          multi={false}
          filterable
          serverSideFiltering={values["serverSideFiltering"] === true}
          filterText={str(values["filterText"])}
          placeholder={str(values["placeholderText"], "Select option")}
          disabled={values["isDisabled"] === true}
          allowSelectAll={false}
          style={boxStyle(values)}
          onChoose={(chosen) => pick(options.find((o) => o.value === chosen[0]))}
          onFilter={(text) => {
            onMeta({ filterText: text });
            onEvent("onFilterUpdate");
          }}
          onOpenChange={(open) => onEvent(open ? "onDropdownOpen" : "onDropdownClose")}
        />
      </Field>
    );
  }
  const current = options.findIndex((o) => o.value === values["value"]);
  return (
    <Field values={values} labelKey="labelText" invalid={invalid} message="Choose an option">
      <select
        className="lc-select"
        value={current < 0 ? "" : String(current)}
        disabled={values["isDisabled"] === true}
        required={values["isRequired"] === true}
        style={boxStyle(values)}
        onChange={(e) => pick(options[Number(e.target.value)])}
      >
        <option value="" disabled>
          {str(values["placeholderText"], "Select option")}
        </option>
        {options.map((o, i) => (
          <option key={i} value={String(i)}>
            {str(o.label)}
          </option>
        ))}
      </select>
    </Field>
  );
}
