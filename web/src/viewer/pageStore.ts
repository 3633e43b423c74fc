/**
 * The values the viewer shows, per widget, outside React: an engine update replaces the state of
 * only the widgets it names and tells only their subscribers, so a keystroke that changes ten
 * values re-renders ten widgets, however many the page has.
 */
import type { ActionFailure, EvaluationError, EvaluationUpdate } from "../engine/host";

type Values = Readonly<Record<string, unknown>>;

/** What one widget shows: a new object whenever any part of it changes, the same one otherwise. */
export interface WidgetState {
  /** Its evaluated properties, meta state and derived values. */
  readonly values: Values;
  /** `Widget.property` -> errors, for the properties that have any. */
  readonly problems: Readonly<Record<string, readonly EvaluationError[]>>;
  /** The failed actions whose data its bindings read. */
  readonly failures: readonly ActionFailure[];
}

const NO_PROBLEMS: Readonly<Record<string, readonly EvaluationError[]>> = Object.freeze({});
const NO_FAILURES: readonly ActionFailure[] = Object.freeze([]);

export class PageStore {
  private readonly states = new Map<string, WidgetState>();
  private readonly listeners = new Map<string, Set<() => void>>();
  /** Every widget's values by name, kept current in place. */
  private valuesByName: Record<string, Values> = {};

  /** The state of a widget, or undefined before the engine's first values. */
  get(name: string): WidgetState | undefined {
    return this.states.get(name);
  }

  /** Every widget's current values (a form checks the widgets inside it). */
  widgetValues(): Readonly<Record<string, Values>> {
    return this.valuesByName;
  }

  /** Call `listener` whenever the state of `name` changes; returns the unsubscribe function. */
  subscribe(name: string, listener: () => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Apply an engine update; the subscribers of the widgets it changed are told once each. */
  apply(update: EvaluationUpdate): void {
    const changed = new Set<string>();
    if (update.snapshot) {
      for (const name of this.states.keys()) changed.add(name);
      this.states.clear();
      this.valuesByName = {};
      for (const [name, values] of Object.entries(update.snapshot)) {
        this.states.set(name, { values, problems: NO_PROBLEMS, failures: NO_FAILURES });
        this.valuesByName[name] = values;
        changed.add(name);
      }
    }
    const values = new Map<string, Record<string, unknown>>();
    for (const [key, value] of Object.entries(update.values)) {
      const dot = key.indexOf(".");
      const name = key.slice(0, dot);
      // Actions, JS objects and `appsmith` are not shown themselves: widgets reading them change.
      if (!this.states.has(name)) continue;
      let own = values.get(name);
      if (!own) values.set(name, (own = {}));
      own[key.slice(dot + 1)] = value;
    }
    const problems = new Map<string, Record<string, readonly EvaluationError[]>>();
    for (const [key, list] of Object.entries(update.errors)) {
      const name = key.slice(0, key.indexOf("."));
      const state = this.states.get(name);
      // An error that was not there is not cleared: the widget's state stays the same object.
      if (!state || (list.length === 0 && !(key in (problems.get(name) ?? state.problems)))) continue;
      let own = problems.get(name);
      if (!own) problems.set(name, (own = { ...state.problems }));
      if (list.length === 0) delete own[key];
      else own[key] = list;
    }
    const touched = new Set([...values.keys(), ...problems.keys(), ...Object.keys(update.actionErrors ?? {})]);
    for (const name of touched) {
      const state = this.states.get(name);
      if (!state) continue;
      const ownValues = values.get(name);
      const ownProblems = problems.get(name);
      const failures = update.actionErrors?.[name];
      const next: WidgetState = {
        values: ownValues ? { ...state.values, ...ownValues } : state.values,
        problems: ownProblems ? (Object.keys(ownProblems).length > 0 ? ownProblems : NO_PROBLEMS) : state.problems,
        failures: failures ? (failures.length > 0 ? failures : NO_FAILURES) : state.failures,
      };
      this.states.set(name, next);
      this.valuesByName[name] = next.values;
      changed.add(name);
    }
    for (const name of changed) for (const listener of this.listeners.get(name) ?? []) listener();
  }
}
