/** RADIO_GROUP_WIDGET: the label of the chosen option, and whether a required group has one. */
import type { DerivedValues } from "../../engine/derived";
import { labelOf, requiredHas } from "../derivedParts";

export const derived: DerivedValues = {
  selectedOptionLabel: { reads: ["options", "selectedOptionValue"], compute: (w) => labelOf(w, w["selectedOptionValue"]) },
  isValid: requiredHas("selectedOptionValue"),
};
