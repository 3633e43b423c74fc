/**
 * What run.mjs drives on a keystroke page (window.__viewerBench): the time from a key's keydown to
 * the DOM showing what was typed in the 10 echoes of the search box. Shared by the viewer page and
 * the floor page (echo.ts), so both are timed the same way.
 */
import { SEARCH_READERS } from "./page";

const echoes = (): HTMLElement[] =>
  Array.from({ length: SEARCH_READERS }, (_, i) => document.querySelector<HTMLElement>(`[data-widget="SearchEcho${i}"] .lc-text`)).filter(
    (e): e is HTMLElement => e !== null,
  );

/** Every echo shows `typed`, as the page's bindings write it. */
export const showsAll = (typed: string): boolean => {
  const shown = echoes();
  return shown.length === SEARCH_READERS && shown.every((e, i) => e.textContent === `${typed.toUpperCase()} #${i}`);
};

export function installKeystrokeProbe(page: { widgetCount: number; ready(): boolean; renderedWidgets(): number }): void {
  let lastKeydown = 0;
  document.addEventListener("keydown", (e) => (lastKeydown = e.timeStamp), { capture: true });
  let pending: Promise<number> | null = null;
  (window as unknown as { __viewerBench: unknown }).__viewerBench = {
    ...page,
    /** Call before the key press; `result()` then resolves once the DOM shows `typed`. */
    arm(typed: string): void {
      pending = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (!showsAll(typed)) return;
          observer.disconnect();
          resolve(performance.now() - lastKeydown);
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      });
    },
    result: (): Promise<number> => pending ?? Promise.reject(new Error("not armed")),
  };
}
