/** The app theme as CSS variables on the app's root; every widget's style reads them. */
import type { CSSProperties } from "react";

import type { AppTheme } from "../engine/page";

/** A theme value may reach a style attribute only when it cannot break out of the declaration. */
const SAFE_CSS_VALUE = /^[^;{}<>\\]*$/;

const pick = (value: string | undefined, fallback: string): string => (value && SAFE_CSS_VALUE.test(value) ? value : fallback);

export function themeStyle(theme: AppTheme | undefined): CSSProperties {
  return {
    "--lc-primary": pick(theme?.primaryColor, "#553DE9"),
    "--lc-background": pick(theme?.backgroundColor, "#F8FAFC"),
    "--lc-font": pick(theme?.fontFamily, "system-ui, sans-serif"),
    "--lc-radius": pick(theme?.borderRadius, "6px"),
    "--lc-shadow": pick(theme?.boxShadow, "none"),
  } as CSSProperties;
}
