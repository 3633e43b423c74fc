/** MULTI_SELECT_WIDGET_V2: its options from the source data, the chosen values and labels, validity. */
import type { DerivedValues } from "../../engine/derived";
import { asArray, labelOf, requiredHas, SELECT_READS, selectOptions } from "../derivedParts";

export const derived: DerivedValues = {
  options: { reads: SELECT_READS, compute: selectOptions },
  selectedOptionValues: { reads: ["value"], compute: (w) => asArray(w["value"]) },
  selectedOptionLabels: {
    reads: [...SELECT_READS, "value"],
    compute: (w) => asArray(w["value"]).map((v) => labelOf(w, v)),
  },
  isValid: requiredHas("value"),
};
