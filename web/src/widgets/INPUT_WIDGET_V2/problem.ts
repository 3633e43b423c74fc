/** Why an input is invalid, in words a user acts on. Pure; the engine decides `isValid`. */
import type { WidgetValues } from "../types";

export function inputProblem(values: WidgetValues): string | null {
  if (values["isValid"] !== false) return null;
  const raw = values["text"];
  const text = raw === undefined || raw === null ? "" : String(raw);
  if (text === "") return "This field is required";
  const custom = values["errorMessage"];
  if (typeof custom === "string" && custom.trim() !== "") return custom;
  const maxChars = values["maxChars"];
  if (typeof maxChars === "number" && text.length > maxChars) return `Use at most ${maxChars} characters`;
  switch (values["inputType"]) {
    case "EMAIL":
      return "Enter a valid email address";
    case "NUMBER": {
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n)) return "Enter a number";
      const min = typeof values["minNum"] === "number" ? values["minNum"] : undefined;
      const max = typeof values["maxNum"] === "number" ? values["maxNum"] : undefined;
      if (min !== undefined && max !== undefined) return `Enter a number from ${min} to ${max}`;
      if (min !== undefined) return `Enter a number of at least ${min}`;
      if (max !== undefined) return `Enter a number of at most ${max}`;
      return "Invalid value";
    }
    default:
      return "Invalid value";
  }
}
