/** INPUT_WIDGET_V2: its value (a number for number inputs) and whether it passes its rules. */
import type { DerivedValues } from "../../engine/derived";
import { fullMatch, inputNumber } from "../derivedParts";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const derived: DerivedValues = {
  value: {
    reads: ["text", "inputType"],
    compute: (w) => (w["inputType"] === "NUMBER" ? inputNumber(w["text"]) : w["text"]),
  },
  isValid: {
    reads: ["text", "inputType", "isRequired", "regex", "validation", "minNum", "maxNum", "maxChars"],
    compute: (w) => {
      const raw = w["text"];
      const text = raw === undefined || raw === null ? "" : String(raw);
      if (text === "") return w["isRequired"] !== true;
      if (w["validation"] === false) return false;
      if (!fullMatch(w["regex"], text)) return false;
      if (typeof w["maxChars"] === "number" && text.length > w["maxChars"]) return false;
      if (w["inputType"] === "EMAIL" && !EMAIL.test(text)) return false;
      if (w["inputType"] === "NUMBER") {
        const n = inputNumber(raw);
        if (n === undefined) return false;
        if (typeof w["minNum"] === "number" && n < w["minNum"]) return false;
        if (typeof w["maxNum"] === "number" && n > w["maxNum"]) return false;
      }
      return true;
    },
  },
};
