/** Keeping keyboard focus inside an open dialog. */

export const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), iframe, [tabindex]:not([tabindex="-1"])';

/**
 * Where Tab (or Shift+Tab) goes from the element at `current` among `count` focusable elements:
 * round from the last to the first and back, so focus never leaves the dialog. `current` is -1
 * when focus is on none of them (the dialog itself).
 */
export function trappedIndex(count: number, current: number, backwards: boolean): number {
  if (count === 0) return -1;
  if (current < 0) return backwards ? count - 1 : 0;
  return backwards ? (current - 1 + count) % count : (current + 1) % count;
}
