/** CHECKBOX_WIDGET: its tick as `value`; a required checkbox is valid once ticked. */
import type { DerivedValues } from "../../engine/derived";
import { requiredHas } from "../derivedParts";

export const derived: DerivedValues = {
  value: { reads: ["isChecked"], compute: (w) => w["isChecked"] === true },
  isValid: requiredHas("isChecked"),
};
