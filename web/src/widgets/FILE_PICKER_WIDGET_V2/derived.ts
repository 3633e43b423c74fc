/** FILE_PICKER_WIDGET_V2: the chosen files, and whether a required picker has any. */
import type { DerivedValues } from "../../engine/derived";
import { asArray, requiredHas } from "../derivedParts";

export const derived: DerivedValues = {
  files: { reads: ["selectedFiles"], compute: (w) => asArray(w["selectedFiles"]) },
  isValid: requiredHas("selectedFiles"),
};
