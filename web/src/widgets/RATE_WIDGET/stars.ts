/** The rating's arithmetic, apart from the component: how many stars, what a pick means, how full each star is. */

/** The number of stars drawn: a whole number from 1 to 20 (a binding may give anything). */
export function starCount(maxCount: unknown): number {
  const n = typeof maxCount === "number" && Number.isFinite(maxCount) ? Math.floor(maxCount) : 5;
  return Math.min(20, Math.max(1, n));
}

/** A rating as shown: within 0..stars, in whole stars or, when allowed, halves. */
export function shownRate(rate: unknown, stars: number, allowHalf: boolean): number {
  if (typeof rate !== "number" || !Number.isFinite(rate)) return 0;
  const step = allowHalf ? 2 : 1;
  return Math.min(stars, Math.max(0, Math.round(rate * step) / step));
}

/** How much of star `index` (1-based) a rating fills: 0, 0.5 or 1. */
export function starFill(index: number, rate: number): number {
  if (rate >= index) return 1;
  if (rate >= index - 0.5) return 0.5;
  return 0;
}

/** Spoken and hovered name of a pick: the developer's hint for the star, else its number. */
export function pickLabel(rate: number, hints: readonly unknown[]): string {
  const hint = hints[Math.ceil(rate) - 1];
  const count = `${rate} ${rate === 1 ? "star" : "stars"}`;
  return typeof hint === "string" && hint !== "" ? `${hint} (${count})` : count;
}

export const STAR_SIZES: Readonly<Record<string, string>> = { SMALL: "16px", MEDIUM: "24px", LARGE: "32px" };
