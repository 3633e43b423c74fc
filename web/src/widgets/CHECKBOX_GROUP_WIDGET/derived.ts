/** CHECKBOX_GROUP_WIDGET: a required group is valid once something is ticked. */
import type { DerivedValues } from "../../engine/derived";
import { requiredHas } from "../derivedParts";

export const derived: DerivedValues = { isValid: requiredHas("selectedValues") };
