/** SWITCH_WIDGET: its state as `value`, like every other field. */
import type { DerivedValues } from "../../engine/derived";

export const derived: DerivedValues = {
  value: { reads: ["isSwitchedOn"], compute: (w) => w["isSwitchedOn"] === true },
};
