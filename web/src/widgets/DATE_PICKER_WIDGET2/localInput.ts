/**
 * Between the ISO strings the engine keeps (`selectedDate`, `minDate`, `maxDate`) and the local
 * date/time text a browser date input shows, at the picker's time precision.
 */
export type Precision = "None" | "minute" | "second";

export const precisionOf = (v: unknown): Precision => (v === "None" || v === "second" ? v : "minute");

export const inputTypeFor = (p: Precision): "date" | "datetime-local" => (p === "None" ? "date" : "datetime-local");

const pad = (n: number): string => String(n).padStart(2, "0");

/** The input's text for an ISO date, or "" when there is none. */
export function toLocalInput(iso: unknown, p: Precision): string {
  if (typeof iso !== "string" || iso === "") return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (p === "None") return day;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return p === "second" ? `${day}T${time}:${pad(d.getSeconds())}` : `${day}T${time}`;
}

/** The ISO date for what the input holds (local time), or "" when it was cleared. */
export function fromLocalInput(text: string): string {
  if (text === "") return "";
  // A bare date is local midnight (Date would read it as UTC).
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00` : text);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}
