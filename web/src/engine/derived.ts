/**
 * Derived values: what a widget type computes from its own properties and meta state (declared by
 * name in its manifest). The manifest says what exists; each widget folder's `derived.ts` says how
 * it is computed, and the composition root hands the table to the engine, so the engine knows no
 * widget type by name.
 */

export type WidgetValues = Readonly<Record<string, unknown>>;

export interface DerivedContext {
  /** Names of the widgets inside this one (all levels). */
  readonly descendants: readonly string[];
  /** Current values of another widget. */
  values(widgetName: string): WidgetValues | undefined;
}

export interface DerivedValue {
  /** Own property/meta names it reads; `descendants` adds every value of the widgets inside. */
  readonly reads: readonly string[];
  readonly readsDescendants?: boolean;
  compute(w: WidgetValues, ctx: DerivedContext): unknown;
}

/** One widget type's derived values, by name. */
export type DerivedValues = Readonly<Record<string, DerivedValue>>;

/** Every widget type's derived values, by type. */
export type DerivedTable = Readonly<Record<string, DerivedValues>>;

let installed: DerivedTable = {};

/**
 * Sets the table engines use when their options name none. The worker entry calls it: functions
 * cannot travel in a message, so the worker bundles the widgets' table and installs it at startup.
 */
export function installDerived(table: DerivedTable): void {
  installed = table;
}

/** The table installed by the composition root (empty until one is). */
export function installedDerived(): DerivedTable {
  return installed;
}
