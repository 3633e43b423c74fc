/** The table's rows as CSV: visible columns, quoted where needed, with the chosen delimiter. */
import { cellText, cellValue, ORIGINAL_INDEX, type Column, type Row } from "./columns";

function quote(text: string, delimiter: string): string {
  return /["\r\n]/.test(text) || text.includes(delimiter) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Cells that a spreadsheet would run as a formula are prefixed, so opening the file runs nothing. */
function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
}

export function toCsv(rows: readonly Row[], columns: readonly Column[], delimiter = ","): string {
  const sep = delimiter === "" ? "," : delimiter;
  const dataColumns = columns.filter((c) => c.type !== "button" && c.type !== "iconButton" && c.type !== "menuButton" && c.type !== "editActions");
  const lines = [dataColumns.map((c) => quote(defuse(c.label), sep)).join(sep)];
  for (const row of rows) {
    const index = typeof row[ORIGINAL_INDEX] === "number" ? (row[ORIGINAL_INDEX] as number) : -1;
    lines.push(dataColumns.map((c) => quote(defuse(cellText(cellValue(c, row, index))), sep)).join(sep));
  }
  return `${lines.join("\r\n")}\r\n`;
}
