/** CURRENCY_INPUT_WIDGET: the amount as a number, and whether it passes its rules. */
import type { DerivedValues } from "../../engine/derived";
import { fullMatch, inputNumber } from "../derivedParts";

export const derived: DerivedValues = {
  value: { reads: ["text"], compute: (w) => inputNumber(w["text"]) },
  isValid: {
    reads: ["text", "isRequired", "regex", "validation"],
    compute: (w) => {
      const text = w["text"] === undefined || w["text"] === null ? "" : String(w["text"]);
      if (text === "") return w["isRequired"] !== true;
      return w["validation"] !== false && inputNumber(text) !== undefined && fullMatch(w["regex"], text);
    },
  },
};
