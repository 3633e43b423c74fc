/** What a currency input accepts while typing, and how it shows an amount when not being edited. */

/** The typed text if it is an amount with at most `decimals` decimals (or on its way to one), else null. */
export function acceptAmount(text: string, decimals: number): string | null {
  const plain = text.replace(/[,\s]/g, "");
  if (plain === "" || plain === "-") return plain;
  const pattern = decimals > 0 ? new RegExp(`^-?\\d*(\\.\\d{0,${decimals}})?$`) : /^-?\d*$/;
  return pattern.test(plain) ? plain : null;
}

/** `1234.5` -> `1,234.50` with two decimals; text that is not a number is shown as it is. */
export function formatAmount(text: unknown, decimals: number): string {
  const raw = text === undefined || text === null ? "" : String(text);
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) return raw;
  return new Intl.NumberFormat("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(n);
}

/** The symbol of an ISO 4217 code (`USD` -> `$`), or the code itself. */
export function currencySymbol(code: string): string {
  try {
    const part = new Intl.NumberFormat("en-US", { style: "currency", currency: code }).formatToParts(0).find((p) => p.type === "currency");
    return part?.value ?? code;
  } catch {
    return code;
  }
}

export const CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CNY", "INR", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "PLN", "BRL", "MXN", "ZAR", "SGD", "HKD", "NZD", "KRW"];
