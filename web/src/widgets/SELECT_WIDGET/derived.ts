/** SELECT_WIDGET: its options from the source data, the chosen value and label, validity. */
import type { DerivedValues } from "../../engine/derived";
import { isEmpty, labelOf, requiredHas, SELECT_READS, selectOptions } from "../derivedParts";

export const derived: DerivedValues = {
  options: { reads: SELECT_READS, compute: selectOptions },
  selectedOptionValue: { reads: ["value"], compute: (w) => (isEmpty(w["value"]) ? "" : w["value"]) },
  selectedOptionLabel: {
    reads: [...SELECT_READS, "value", "label"],
    compute: (w) => (isEmpty(w["value"]) ? "" : (labelOf(w, w["value"]) || (w["label"] ?? ""))),
  },
  isValid: requiredHas("value"),
};
