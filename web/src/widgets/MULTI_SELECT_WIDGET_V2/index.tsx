/** MULTI_SELECT_WIDGET_V2: several options from options data, with search and "select all". */
import { Field } from "../Field";
import { Picker } from "../Picker";
import type { Option } from "../Picker/options";
import { arr, boxStyle, str, type WidgetProps } from "../types";

export default function MultiSelect({ name, values, onMeta, onEvent }: WidgetProps) {
  const options = arr(values["options"]) as Option[];
  return (
    <Field values={values} labelKey="labelText" invalid={values["isValid"] === false && values["isDirty"] === true} message="Choose at least one option" group>
      <Picker
        label={str(values["labelText"]) || name}
        options={options}
        chosen={arr(values["value"])}
        multi
        filterable={values["isFilterable"] !== false}
        serverSideFiltering={values["serverSideFiltering"] === true}
        filterText={str(values["filterText"])}
        placeholder={str(values["placeholderText"], "Select options")}
        disabled={values["isDisabled"] === true}
        allowSelectAll={values["allowSelectAll"] === true}
        style={boxStyle(values)}
        onChoose={(chosen) => {
          onMeta({ value: chosen, label: chosen.map((v) => options.find((o) => o.value === v)?.label) });
          onEvent("onOptionChange");
        }}
        onFilter={(text) => {
          onMeta({ filterText: text });
          onEvent("onFilterUpdate");
        }}
        onOpenChange={(open) => onEvent(open ? "onDropdownOpen" : "onDropdownClose")}
      />
    </Field>
  );
}
