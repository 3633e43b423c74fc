/** RATE_WIDGET: its rating as `value`, like every other field. */
import type { DerivedValues } from "../../engine/derived";

export const derived: DerivedValues = {
  value: { reads: ["rate"], compute: (w) => (typeof w["rate"] === "number" && Number.isFinite(w["rate"]) ? w["rate"] : 0) },
};
