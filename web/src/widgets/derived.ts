/**
 * Every widget type's derived values, collected from the `derived.ts` in each widget folder (the
 * folder names the type). React-free: the engine worker imports this module and installs the
 * table (functions cannot be sent to it in a message); tests pass it in the engine's options.
 */
import { installDerived, type DerivedTable, type DerivedValues } from "../engine/derived";

const modules = import.meta.glob<DerivedValues>("./*_WIDGET*/derived.ts", { eager: true, import: "derived" });

/** Derived values by widget type. */
export const WIDGET_DERIVED: DerivedTable = Object.fromEntries(
  Object.entries(modules).map(([path, derived]) => [path.split("/")[1] as string, derived]),
);

/** For the engine worker's entry: every engine it creates computes these. */
export function installWidgetDerived(): void {
  installDerived(WIDGET_DERIVED);
}
