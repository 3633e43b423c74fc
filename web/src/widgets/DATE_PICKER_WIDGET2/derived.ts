/** DATE_PICKER_WIDGET2: the chosen date in the developer's format, and whether it is allowed. */
import type { DerivedValues } from "../../engine/derived";
import { isEmpty } from "../derivedParts";

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

function utcOffset(d: Date): string {
  const minutes = -d.getTimezoneOffset();
  const sign = minutes >= 0 ? "+" : "-";
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** Longest tokens first, so `MMMM` is not read as `MM` twice; `[text]` is copied as is. */
const DATE_TOKENS = /\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|SSS|A|a|Z|X|x/g;

/** Formats in local time with the moment-style tokens Appsmith's date picker offers. */
export function formatDate(iso: unknown, format: unknown): string {
  if (typeof iso !== "string" || iso === "") return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const fmt = typeof format === "string" && format !== "" ? format : "YYYY-MM-DD HH:mm";
  if (fmt === "ISO" || fmt === "YYYY-MM-DDTHH:mm:ss.sssZ") return d.toISOString();
  const hour12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  const token = (t: string): string => {
    switch (t) {
      case "YYYY": return String(d.getFullYear());
      case "YY": return pad(d.getFullYear() % 100);
      case "MMMM": return MONTHS[d.getMonth()] ?? "";
      case "MMM": return (MONTHS[d.getMonth()] ?? "").slice(0, 3);
      case "MM": return pad(d.getMonth() + 1);
      case "M": return String(d.getMonth() + 1);
      case "Do": return ordinal(d.getDate());
      case "DD": return pad(d.getDate());
      case "D": return String(d.getDate());
      case "dddd": return DAYS[d.getDay()] ?? "";
      case "ddd": return (DAYS[d.getDay()] ?? "").slice(0, 3);
      case "HH": return pad(d.getHours());
      case "H": return String(d.getHours());
      case "hh": return pad(hour12);
      case "h": return String(hour12);
      case "mm": return pad(d.getMinutes());
      case "m": return String(d.getMinutes());
      case "ss": return pad(d.getSeconds());
      case "s": return String(d.getSeconds());
      case "SSS": return pad(d.getMilliseconds(), 3);
      case "A": return d.getHours() < 12 ? "AM" : "PM";
      case "a": return d.getHours() < 12 ? "am" : "pm";
      case "Z": return utcOffset(d);
      case "X": return String(Math.floor(d.getTime() / 1000));
      case "x": return String(d.getTime());
      default: return t.slice(1, -1);
    }
  };
  return fmt.replace(DATE_TOKENS, token);
}

/** Whether an ISO date lies within the picker's min and max (either may be unset). */
export function dateInRange(iso: unknown, min: unknown, max: unknown): boolean {
  if (typeof iso !== "string" || iso === "") return true;
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return false;
  const bound = (v: unknown): number => (typeof v === "string" && v !== "" ? new Date(v).getTime() : Number.NaN);
  const lo = bound(min);
  const hi = bound(max);
  return !(t < lo) && !(t > hi);
}

export const derived: DerivedValues = {
  formattedDate: { reads: ["selectedDate", "dateFormat"], compute: (w) => formatDate(w["selectedDate"], w["dateFormat"]) },
  isValid: {
    reads: ["selectedDate", "isRequired", "minDate", "maxDate"],
    compute: (w) => (isEmpty(w["selectedDate"]) ? w["isRequired"] !== true : dateInRange(w["selectedDate"], w["minDate"], w["maxDate"])),
  },
};
