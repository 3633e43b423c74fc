/**
 * The evaluation engine: the data tree of one page, kept up to date incrementally.
 *
 * Every readable value is a node `Entity.name` of a dependency graph: widget properties (bindings
 * or literals), meta state, derived values, action state, JS object members and the `appsmith`
 * global. A change marks nodes; `flush` re-evaluates exactly the nodes downstream of the change
 * whose inputs changed, in topological order, and reports the new values and errors.
 *
 * The class is built in three layers along its sections: `engineState.ts` (state, loading a page
 * into nodes, dependencies), `evaluation.ts` (evaluating nodes, `flush`) and this file, the public
 * surface (reading, changes from the page, triggers, actions and the action functions).
 */
import { compile } from "./compile";
import {
  ActionCancelledError,
  ActionFailedError,
  SideEffectInBindingError,
  UnknownEntityError,
  messageOf,
} from "./errors";
import type { EvaluationError, EvaluationUpdate } from "./host";
import { urlInfo } from "./page";
import { splitSegments } from "./segments";
import { EVENT_KEY, snapshot, templateOf } from "./values";
import { createTriggerRuntime, type TriggerRuntime } from "./triggers";
import { APPSMITH, type NodeInfo, type Values, type WidgetEntity } from "./engineState";
import { EvaluatingEngine } from "./evaluation";

export type { EngineOptions } from "./engineState";

export class Engine extends EvaluatingEngine {
  // ---------------------------------------------------------------- reading

  /** The current value at a dotted path (`Table1.selectedRow.id`). */
  get(path: string): unknown {
    const [root, ...rest] = path.split(".");
    const entity = this.entities.get(root ?? "");
    let value: unknown = entity ? (entity.kind === "js" ? entity.values : entity.values) : undefined;
    for (const k of rest) value = value === undefined || value === null ? undefined : (value as Values)[k];
    return value;
  }

  /** The errors of a node (`Input1.label`); empty when it evaluated cleanly. */
  errorsOf(key: string): readonly EvaluationError[] {
    return this.errors.get(key) ?? [];
  }

  /** Every current error, keyed by node. */
  allErrors(): ReadonlyMap<string, readonly EvaluationError[]> {
    return this.errors;
  }

  /** Every widget's current values (for the first paint). */
  widgetValues(): Record<string, Values> {
    const out: Record<string, Values> = {};
    for (const [name, e] of this.entities) if (e.kind === "widget") out[name] = e.values;
    return out;
  }

  nodeCount(): number {
    return this.nodes.size;
  }

  // ---------------------------------------------------------------- changes from the page

  /** The user changed widget state (typed, selected): set meta values and re-evaluate. */
  setMeta(widget: string, changes: Readonly<Record<string, unknown>>, item?: number): EvaluationUpdate {
    const w = this.widget(widget);
    if (item !== undefined && w.listParent !== undefined) return this.setItemMeta(w, changes, item);
    for (const [name, value] of Object.entries(changes)) {
      const key = `${widget}.${name}`;
      if (this.nodes.get(key)?.kind !== "meta") throw new UnknownEntityError(`meta value ${key}`);
      w.metaOverride.set(name, value);
      w.values[name] = value;
      this.pendingChanged.add(key);
    }
    if (!("isDirty" in changes) && this.nodes.get(`${widget}.isDirty`)?.kind === "meta" && !("isFocused" in changes && Object.keys(changes).length === 1)) {
      w.metaOverride.set("isDirty", true);
      w.values["isDirty"] = true;
      this.pendingChanged.add(`${widget}.isDirty`);
    }
    return this.flush();
  }

  /** The user changed the copy of a template widget for one list item: only that copy changes. */
  private setItemMeta(w: WidgetEntity, changes: Readonly<Record<string, unknown>>, item: number): EvaluationUpdate {
    const own = { ...w.itemMeta.get(item) };
    for (const [name, value] of Object.entries(changes)) {
      if (this.nodes.get(`${w.name}.${name}`)?.kind !== "meta") throw new UnknownEntityError(`meta value ${w.name}.${name}`);
      own[name] = value;
    }
    if (!("isDirty" in changes) && this.nodes.get(`${w.name}.isDirty`)?.kind === "meta" && !("isFocused" in changes && Object.keys(changes).length === 1)) own["isDirty"] = true;
    w.itemMeta.set(item, own);
    // Every per-item value of the widget is recomputed; readers of them (currentView) follow.
    for (const key of this.nodesOfEntity.get(w.name) ?? []) {
      const kind = this.nodes.get(key)?.kind;
      if (kind === "meta" || kind === "derived") this.pendingEval.add(key);
    }
    return this.flush();
  }

  /** The developer changed a property (editor): re-wire its dependencies and re-evaluate. */
  updateProperty(widget: string, name: string, raw: unknown): EvaluationUpdate {
    const w = this.widget(widget);
    w.raw[name] = raw;
    const type = this.typeInfo(w.type);
    if (type.events.has(name) || (type.manifest === undefined && EVENT_KEY.test(name))) {
      // A handler is code run on its event, kept as written (as `load` does): evaluating it as a
      // data binding would flag its actions (`query.run()`, `showModal`) as errors on the widget.
      w.values[name] = raw;
      return this.flush();
    }
    const key = `${widget}.${name}`;
    if (!this.nodes.has(key)) {
      // A literal became a binding: it is a node from now on, and readers of it need an edge.
      this.addNode(widget, name, "property");
      this.wireAllDependencies();
    }
    this.graph.setDependencies(key, this.dependenciesOf(key));
    this.cyclesKnown = false;
    this.failuresStale ||= this.failedActions.size > 0 || this.publishedFailures.size > 0;
    this.pendingEval.add(key);
    return this.flush();
  }

  /** Navigation inside the app changed the URL. */
  setUrl(href: string): EvaluationUpdate {
    this.appsmithValues["URL"] = urlInfo(href);
    this.pendingChanged.add(`${APPSMITH}.URL`);
    return this.flush();
  }

  private widget(name: string): WidgetEntity {
    const e = this.entities.get(name);
    if (e?.kind !== "widget") throw new UnknownEntityError(`widget ${name}`);
    return e;
  }

  /**
   * A widget setter (`Input1.setValue("x")`, `Button1.setVisibility(false)`): the property takes
   * `value` in place of its own value or binding, and what reads it follows. Resolves once the
   * page has the new values.
   */
  async setWidgetProperty(widget: string, name: string, value: unknown): Promise<void> {
    const w = this.widget(widget);
    w.setterOverride.set(name, value);
    const key = `${widget}.${name}`;
    if (!this.nodes.has(key)) {
      // A literal becomes a value that changes: a node, with edges from its readers.
      this.addNode(widget, name, "property");
      this.wireAllDependencies();
    }
    this.pendingEval.add(key);
    this.scheduleFlush();
    await this.settled();
  }

  /** Reset a widget's meta state (and its children's) to the defaults. */
  resetWidget(name: string, resetChildren = true): EvaluationUpdate {
    const w = this.widget(name);
    for (const target of resetChildren ? [name, ...w.descendants] : [name]) {
      const t = this.widget(target);
      t.metaOverride.clear();
      t.itemMeta.clear();
      for (const m of t.manifest?.meta ?? []) this.pendingEval.add(`${target}.${m.name}`);
    }
    return this.flush();
  }

  // ---------------------------------------------------------------- triggers

  /** Run an event handler (`Button1.onClick`); resolves when it has finished. */
  async runEvent(widget: string, event: string, extra: Readonly<Record<string, unknown>> = {}): Promise<unknown> {
    const w = this.widget(widget);
    // A dotted name reaches a nested handler: a table column's `primaryColumns.edit.onClick`.
    const raw = event.split(".").reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Values)[k] : undefined), w.raw);
    // Text outside `{{ }}` is never code: a handler without a binding does nothing.
    if (typeof raw !== "string" || !templateOf(raw).hasBinding) return undefined;
    const index = extra["currentIndex"];
    const list = w.listParent ? this.entities.get(w.listParent) : undefined;
    if (list?.kind === "widget" && typeof index === "number" && !("currentView" in extra)) {
      return this.runHandler(raw, `${widget}.${event}`, { ...extra, currentView: this.currentView(list, index) });
    }
    return this.runHandler(raw, `${widget}.${event}`, extra);
  }

  /** Run handler code (`{{ ... }}` segments, or plain JS when `raw` has no braces). */
  async runHandler(raw: string, source: string, extra: Readonly<Record<string, unknown>> = {}): Promise<unknown> {
    const codes = raw.includes("{{") ? splitSegments(raw).filter((s) => s.isBinding).map((s) => s.source) : [raw];
    const extraNames = Object.keys(extra);
    const names = this.namesWith(this.triggerNames, extraNames);
    const scope = Object.create(this.triggerScope) as Values;
    Object.assign(scope, extra);
    let result: unknown;
    try {
      for (const code of codes) {
        if (code.trim() === "") continue;
        result = await compile(code, "statements", names).run(undefined, scope);
      }
      return result;
    } catch (error) {
      this.reportTriggerError(source, error);
      return undefined;
    } finally {
      this.checkJsMutations();
    }
  }

  /** Call a JS object's function as an event handler would (the editor's "Run"). */
  async runJsFunction(object: string, fn: string, args: readonly unknown[] = []): Promise<unknown> {
    const e = this.entities.get(object);
    const f = e?.kind === "js" ? e.values[fn] : undefined;
    if (typeof f !== "function") throw new UnknownEntityError(`function ${object}.${fn}`);
    try {
      return await (f as (...a: unknown[]) => unknown)(...args);
    } finally {
      this.checkJsMutations();
    }
  }

  protected reportTriggerError(source: string, error: unknown): void {
    const message = messageOf(error);
    this.host.effect({ kind: "log", level: "error", message, source });
    // A failed action already showed its own toast.
    if (!(error instanceof ActionFailedError) && !(error instanceof ActionCancelledError)) {
      this.host.effect({ kind: "showAlert", message: `${source}: ${message}`, style: "error" });
    }
  }

  /** In-place changes (`this.items.push(x)`) are not seen by the proxy; compare snapshots. */
  private checkJsMutations(): void {
    for (const e of this.entities.values()) {
      if (e.kind !== "js") continue;
      for (const key of this.nodesOfEntity.get(e.name) ?? []) {
        const info = this.nodes.get(key) as NodeInfo;
        if (info.kind !== "jsVar") continue;
        const now = snapshot(e.values[info.name]);
        if (now !== e.snapshots.get(info.name)) {
          e.snapshots.set(info.name, now);
          this.markChanged(key);
        }
      }
    }
  }

  /** Wait until every scheduled re-evaluation has run. */
  async settled(): Promise<void> {
    await Promise.resolve();
    if (this.flushScheduled) {
      const update = this.flush();
      if (Object.keys(update.values).length > 0 || Object.keys(update.errors).length > 0) this.host.update(update);
    }
  }

  // ---------------------------------------------------------------- actions

  /** The values of an action's bindings, keyed by binding source, with `this.params` = `params`. */
  actionParameters(name: string, params: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
    const e = this.entities.get(name);
    if (e?.kind !== "action") throw new UnknownEntityError(`action ${name}`);
    const out: Record<string, unknown> = {};
    const thisArg = { params };
    const walk = (raw: unknown): void => {
      if (typeof raw === "string") {
        if (!raw.includes("{{")) return;
        for (const seg of splitSegments(raw)) {
          if (!seg.isBinding || seg.source in out) continue;
          const errors: EvaluationError[] = [];
          const value = this.evaluateExpression(seg.source, this.dataNames, this.dataScope, errors, thisArg);
          if (errors[0]) throw new ActionFailedError(name, `{{${seg.source}}}: ${errors[0].message}`);
          out[seg.source] = value === undefined ? null : value;
        }
      } else if (Array.isArray(raw)) raw.forEach(walk);
      else if (typeof raw === "object" && raw !== null) Object.values(raw).forEach(walk);
    };
    walk(e.def.config);
    return out;
  }

  /** `Query.run(params)`: evaluate the bindings, execute on the server, put the result in the tree. */
  async runAction(name: string, params: Readonly<Record<string, unknown>> = {}, options: { readonly handled?: boolean } = {}): Promise<unknown> {
    if (this.evaluatingData) throw new SideEffectInBindingError(`${name}.run()`);
    const e = this.entities.get(name);
    if (e?.kind !== "action") throw new UnknownEntityError(`action ${name}`);
    if (e.def.settings?.confirmBeforeRun && !(await this.host.confirmAction(name))) {
      throw new ActionCancelledError(name);
    }
    this.setState(name, "isLoading", true);
    let result;
    try {
      const values = this.actionParameters(name, params);
      result = await this.host.executeAction({ action: name, actionId: e.def.id, params: values, timeoutMs: e.def.settings?.timeoutMs });
    } catch (error) {
      result = { ok: false, data: undefined, error: messageOf(error) };
    }
    if (result.ok) this.setState(name, "data", result.data);
    const failure = result.ok ? undefined : (result.error ?? "execution failed");
    this.setState(name, "error", failure);
    this.noteFailure(name, failure);
    this.setState(name, "responseMeta", {
      isExecutionSuccess: result.ok,
      statusCode: result.statusCode,
      headers: result.headers ?? {},
      durationMs: result.durationMs,
      ...(failure === undefined ? {} : { error: failure }),
    });
    this.setState(name, "isLoading", false);
    if (failure !== undefined) {
      const error = new ActionFailedError(name, failure);
      // An `onError` callback handles the failure itself; otherwise the user is told.
      if (options.handled !== true) this.host.effect({ kind: "showAlert", message: error.message, style: "error" });
      throw error;
    }
    return result.data;
  }

  /**
   * Appsmith's callback form, `Query.run(onSuccess, onError, params)`: `onSuccess(data, params)`
   * after a successful run, `onError(message, params)` after a failed or declined one (no error
   * toast then: the callback handles it). A failure without `onError` is shown (once, by
   * `runAction`) and not thrown further; errors inside a callback are reported like a handler's.
   */
  async runActionWithCallbacks(name: string, onSuccess: unknown, onError: unknown, params: unknown): Promise<unknown> {
    const p = typeof params === "object" && params !== null ? (params as Record<string, unknown>) : {};
    let data: unknown;
    try {
      data = await this.runAction(name, p, { handled: typeof onError === "function" });
    } catch (error) {
      if (typeof onError === "function") {
        const message = error instanceof ActionFailedError ? (this.entities.get(name)?.values["error"] as string | undefined) ?? messageOf(error) : messageOf(error);
        await this.runCallback(() => (onError as (...a: unknown[]) => unknown)(message, p), `${name}.run onError`);
      } else if (!(error instanceof ActionFailedError)) {
        this.reportTriggerError(`${name}.run`, error);
      }
      return undefined;
    }
    if (typeof onSuccess === "function") await this.runCallback(() => (onSuccess as (...a: unknown[]) => unknown)(data, p), `${name}.run onSuccess`);
    return data;
  }

  /** Remember whether an action's last run failed; the widgets reading it learn at the next flush. */
  private noteFailure(name: string, message: string | undefined): void {
    if (message === undefined ? !this.failedActions.delete(name) : this.failedActions.get(name) === message) return;
    if (message !== undefined) this.failedActions.set(name, message);
    this.failuresStale = true;
  }

  /** `Query.clear()`: forget the data. */
  async clearAction(name: string): Promise<void> {
    if (this.evaluatingData) throw new SideEffectInBindingError(`${name}.clear()`);
    this.setState(name, "data", undefined);
    this.setState(name, "error", undefined);
    this.noteFailure(name, undefined);
    this.setState(name, "responseMeta", { isExecutionSuccess: false });
  }

  /**
   * Run the actions and JS functions marked "run on page load": each waits for the on-load ones
   * it depends on (its bindings or code read their data, directly or through widgets and JS),
   * independent ones run in parallel.
   */
  async runOnLoadActions(): Promise<void> {
    const onLoad = new Map<string, { readonly reads: Set<string>; readonly run: () => Promise<unknown> }>();
    for (const e of this.entities.values()) {
      if (e.kind === "action" && e.def.settings?.runOnPageLoad === true) {
        const reads = new Set<string>();
        this.bindingReferences(e.def.config, reads);
        onLoad.set(e.name, { reads, run: () => this.runAction(e.name) });
      } else if (e.kind === "js") {
        for (const [fn, settings] of Object.entries(e.settings)) {
          const key = `${e.name}.${fn}`;
          if (settings.runOnPageLoad !== true || this.nodes.get(key)?.kind !== "jsFn") continue;
          onLoad.set(key, { reads: new Set(this.graph.dependencies(key)), run: () => this.runJsFunction(e.name, fn) });
        }
      }
    }
    const prerequisites = new Map<string, string[]>();
    for (const [name, item] of onLoad) {
      const upstream = new Set([...item.reads, ...this.graph.upstreamOf(item.reads)]);
      // An action is needed when its data is read; a function when its `.data` is.
      const needs = [...onLoad.keys()].filter(
        (b) => b !== name && [...upstream].some((k) => (this.entities.get(b)?.kind === "action" ? k.startsWith(`${b}.`) : k === `${b}.data`)),
      );
      prerequisites.set(name, needs);
    }
    const started = new Map<string, Promise<void>>();
    const start = (name: string, path: string[]): Promise<void> => {
      const existing = started.get(name);
      if (existing) return existing;
      const needs = (prerequisites.get(name) ?? []).filter((n) => !path.includes(n));
      const promise = Promise.all(needs.map((n) => start(n, [...path, name])))
        .then(() => (onLoad.get(name) as { run: () => Promise<unknown> }).run())
        .then(
          () => undefined,
          (error: unknown) => this.reportTriggerError(name, error),
        );
      started.set(name, promise);
      return promise;
    };
    await Promise.all([...onLoad.keys()].map((name) => start(name, [])));
    await this.settled();
  }

  // ---------------------------------------------------------------- action functions

  protected createRuntime(): TriggerRuntime {
    return createTriggerRuntime({
      host: () => this.host,
      guard: (what) => {
        if (this.evaluatingData) throw new SideEffectInBindingError(what);
      },
      store: () => this.appsmithValues["store"] as Values,
      setStore: (store) => this.setState(APPSMITH, "store", store),
      setModalOpen: (name, open) => {
        const e = this.entities.get(name);
        if (e?.kind === "widget" && this.nodes.get(`${name}.isOpen`)?.kind === "meta") {
          e.metaOverride.set("isOpen", open);
          this.setState(name, "isOpen", open);
        }
      },
      resetWidget: (name, children) => {
        // Called from user code, so nobody receives the returned update: publish it (it may
        // also carry other changes made earlier in the same handler, such as a closed modal).
        const update = this.resetWidget(name, children);
        if (Object.keys(update.values).length > 0 || Object.keys(update.errors).length > 0) this.host.update(update);
      },
      runCallback: (fn, source) => {
        void this.runCallback(fn, source);
      },
    });
  }

  protected async runCallback(fn: () => unknown, source: string): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.reportTriggerError(source, error);
    } finally {
      this.checkJsMutations();
    }
  }

  /** Stop timers (the page is being left). */
  dispose(): void {
    this.runtime.stopAllIntervals();
  }
}
