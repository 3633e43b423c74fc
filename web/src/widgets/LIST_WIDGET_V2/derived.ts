/** LIST_WIDGET_V2: the item the user selected. */
import type { DerivedValues } from "../../engine/derived";
import { asArray } from "../derivedParts";

export const derived: DerivedValues = {
  selectedItem: {
    reads: ["listData", "selectedItemIndex"],
    compute: (w) => {
      const i = w["selectedItemIndex"];
      return typeof i === "number" && i >= 0 ? asArray(w["listData"])[i] : undefined;
    },
  },
};
