/**
 * The engine's "evaluation" section: the value of each node from its inputs (bindings, per-row and
 * per-item values of tables and list templates, meta state, derived values, JS object bodies), and
 * `flush`, which re-evaluates what a change reaches in topological order and reports it.
 */
import { compile, compileJsObject, type NameSet, type Scope } from "./compile";
import { ITEMS_PREFIX } from "./listTemplate";
import type { DerivedContext } from "./derived";
import { ActionCancelledError, messageOf } from "./errors";
import type { ActionFailure, EvaluationError, EvaluationUpdate } from "./host";
import { analyse, BindingSyntaxError } from "./references";
import { splitSegments } from "./segments";
import { EVENT_KEY, readPath, sameValue, simplePathOf, snapshot, stringify, templateOf } from "./values";
import { valueProblems } from "./validation";
import { EngineState, JS_BODY, type Entity, type JsEntity, type NodeInfo, type Values, type WidgetEntity } from "./engineState";

export abstract class EvaluatingEngine extends EngineState {
  // ---------------------------------------------------------------- evaluation

  /** A template widget's values as the copy for item `index` has them. */
  protected itemView(w: WidgetEntity, index: number): Values {
    const out: Values = { ...w.values };
    for (const [key, perItem] of Object.entries(w.values)) {
      if (key.startsWith(ITEMS_PREFIX) && Array.isArray(perItem)) out[key.slice(ITEMS_PREFIX.length)] = perItem[index];
    }
    for (const key of Object.keys(out)) if (key.startsWith(ITEMS_PREFIX)) delete out[key];
    return Object.assign(out, w.itemMeta.get(index));
  }

  /** `currentView` for item `index`: every widget of the list's template, as that item's copy has it. */
  protected currentView(list: WidgetEntity, index: number): Values {
    const view: Values = {};
    for (const name of list.descendants) {
      const e = this.entities.get(name);
      if (e?.kind === "widget" && e.listParent === list.name) view[name] = this.itemView(e, index);
    }
    return view;
  }

  /** Whether a template widget's copies can differ: per-item properties or per-item changes. */
  protected hasItemState(w: WidgetEntity): boolean {
    if (w.itemMeta.size > 0) return true;
    for (const key in w.values) if (key.startsWith(ITEMS_PREFIX) && !this.isItemStateKey(w, key)) return true;
    return false;
  }

  protected isItemStateKey(w: WidgetEntity, key: string): boolean {
    const name = key.slice(ITEMS_PREFIX.length);
    return this.metaSpec(w, name) !== undefined || (this.derived[w.type]?.[name] !== undefined);
  }

  /**
   * A template widget's meta or derived value per item (`__items__.text`): what the user changed in
   * that copy, else the copy's own default, else the shared value. Returns whether it was set.
   */
  protected evaluateItemState(w: WidgetEntity, info: NodeInfo): boolean {
    if (w.listParent === undefined) return false;
    const key = `${ITEMS_PREFIX}${info.name}`;
    if (!this.hasItemState(w)) {
      if (key in w.values) delete w.values[key];
      return false;
    }
    const list = this.entities.get(w.listParent) as WidgetEntity;
    const count = Array.isArray(list.values["listData"]) ? (list.values["listData"] as unknown[]).length : 0;
    const perItem: unknown[] = [];
    for (let i = 0; i < count; i += 1) {
      const changed = w.itemMeta.get(i);
      if (info.kind === "meta") {
        if (changed && info.name in changed) perItem.push(changed[info.name]);
        else {
          const from = this.metaSpec(w, info.name)?.defaultFrom;
          const defaults = from ? w.values[`${ITEMS_PREFIX}${from}`] : undefined;
          perItem.push(Array.isArray(defaults) ? defaults[i] : w.values[info.name]);
        }
      } else {
        const impl = this.derived[w.type]?.[info.name];
        try {
          perItem.push(impl ? impl.compute(this.itemView(w, i), this.derivedContext(w)) : undefined);
        } catch {
          perItem.push(undefined);
        }
      }
    }
    w.values[key] = perItem;
    return true;
  }

  /** Evaluate one binding expression as a data binding; errors go to `errors`. */
  protected evaluateExpression(code: string, names: NameSet, scope: Scope, errors: EvaluationError[], thisArg?: unknown): unknown {
    const path = simplePathOf(code);
    if (path && names.has(path[0] as string)) return readPath(scope, path, errors);
    let compiled;
    try {
      compiled = compile(code, "expression", names);
    } catch (error) {
      errors.push({ kind: "syntax", message: messageOf(error) });
      return undefined;
    }
    const wasEvaluating = this.evaluatingData;
    this.evaluatingData = true;
    try {
      const value = compiled.run(thisArg, scope);
      if (value instanceof Promise) {
        value.catch(() => undefined);
        errors.push({ kind: "runtime", message: "a data binding cannot use async code; call it from an event handler" });
        return undefined;
      }
      return value;
    } catch (error) {
      errors.push({ kind: "runtime", message: messageOf(error) });
      return undefined;
    } finally {
      this.evaluatingData = wasEvaluating;
    }
  }

  /** The value of a raw property: literal, single binding, text with bindings, or a nested structure. */
  protected evaluateRaw(raw: unknown, names: NameSet, scope: Scope, errors: EvaluationError[], thisArg?: unknown): unknown {
    if (typeof raw === "string") {
      if (!raw.includes("{{")) return raw;
      const template = templateOf(raw);
      if (template.single !== null) return this.evaluateExpression(template.single, names, scope, errors, thisArg);
      let out = "";
      for (const s of template.segments) {
        out += s.isBinding ? stringify(this.evaluateExpression(s.source, names, scope, errors, thisArg)) : s.source;
      }
      return out;
    }
    if (Array.isArray(raw)) return raw.map((item) => this.evaluateRaw(item, names, scope, errors, thisArg));
    if (typeof raw === "object" && raw !== null) {
      const out: Values = {};
      for (const [k, v] of Object.entries(raw)) out[k] = EVENT_KEY.test(k) ? v : this.evaluateRaw(v, names, scope, errors, thisArg);
      return out;
    }
    return raw;
  }

  /** A property with a binding scope (a table's columns): bindings reading the scope run per row. */
  protected evaluatePerRow(raw: unknown, w: WidgetEntity, scopeNames: string[], errors: EvaluationError[]): unknown {
    if (typeof raw === "string" && raw.includes("{{")) {
      const reads = splitSegments(raw).some((s) => {
        if (!s.isBinding) return false;
        try {
          return analyse(s.source, "expression").references.some((r) => scopeNames.includes(r.root));
        } catch {
          return false;
        }
      });
      if (!reads) return this.evaluateRaw(raw, this.dataNames, this.dataScope, errors);
      // As in Appsmith, currentRow is a row of processedTableData (unsaved edits applied) where the widget has one.
      const source = Array.isArray(w.values["processedTableData"]) ? w.values["processedTableData"] : w.values["tableData"];
      const rows = Array.isArray(source) ? (source as unknown[]) : [];
      const names = this.namesWith(this.dataNames, scopeNames);
      const rowErrors: EvaluationError[] = [];
      const out = rows.map((row, i) => {
        const scope = Object.create(this.dataScope) as Values;
        scope["currentRow"] = row;
        scope["currentIndex"] = i;
        return this.evaluateRaw(raw, names, scope, rowErrors);
      });
      if (rowErrors[0]) errors.push(rowErrors[0]);
      return out;
    }
    if (Array.isArray(raw)) return raw.map((item) => this.evaluatePerRow(item, w, scopeNames, errors));
    if (typeof raw === "object" && raw !== null) {
      const out: Values = {};
      for (const [k, v] of Object.entries(raw)) out[k] = EVENT_KEY.test(k) ? v : this.evaluatePerRow(v, w, scopeNames, errors);
      return out;
    }
    return raw;
  }

  /** The scope of a widget inside a list template: the first item stands for every item. */
  protected listScope(w: WidgetEntity): { names: NameSet; scope: Scope } {
    const list = this.entities.get(w.listParent as string) as WidgetEntity;
    const items = Array.isArray(list.values["listData"]) ? (list.values["listData"] as unknown[]) : [];
    const scope = Object.create(this.dataScope) as Values;
    scope["currentItem"] = items[0];
    scope["currentIndex"] = 0;
    scope["currentView"] = this.currentView(list, 0);
    return { names: this.namesWith(this.dataNames, this.listScopeNames(w)), scope };
  }

  /**
   * A list template's property that reads `currentItem` or `currentIndex` has one value per item:
   * kept beside the property as `__items__.<name>` (the property itself holds the first item's
   * value, as in Appsmith), so the page can show every copy of the template.
   */
  protected evaluatePerItem(w: WidgetEntity, name: string, raw: string, names: NameSet): void {
    const key = `${ITEMS_PREFIX}${name}`;
    const scopeNames = this.listScopeNames(w);
    const readsItem = splitSegments(raw).some((seg) => {
      if (!seg.isBinding) return false;
      try {
        return analyse(seg.source, "expression").references.some((r) => scopeNames.includes(r.root));
      } catch {
        return false;
      }
    });
    if (!readsItem) {
      delete w.values[key];
      return;
    }
    const list = this.entities.get(w.listParent as string) as WidgetEntity;
    const items = Array.isArray(list.values["listData"]) ? (list.values["listData"] as unknown[]) : [];
    w.values[key] = items.map((item, i) => {
      const scope = Object.create(this.dataScope) as Values;
      scope["currentItem"] = item;
      scope["currentIndex"] = i;
      scope["currentView"] = this.currentView(list, i);
      return this.evaluateRaw(raw, names, scope, []);
    });
  }

  protected evaluateProperty(w: WidgetEntity, name: string, errors: EvaluationError[]): unknown {
    const spec = this.propertySpec(w, name);
    const raw = w.raw[name];
    let value: unknown;
    if (w.setterOverride.has(name)) value = w.setterOverride.get(name);
    else if (spec?.bindingScope?.length) {
      value = this.evaluatePerRow(raw, w, spec.bindingScope.map((s) => s.name), errors);
    } else if (w.listParent && typeof raw === "string" && raw.includes("{{")) {
      const { names, scope } = this.listScope(w);
      value = this.evaluateRaw(raw, names, scope, errors);
      this.evaluatePerItem(w, name, raw, names);
    } else value = this.evaluateRaw(raw, this.dataNames, this.dataScope, errors);
    // Text shows numbers and booleans as text (as Appsmith's text fields do); nothing else is coerced.
    if ((spec?.type === "string" || spec?.type === "html") && (typeof value === "number" || typeof value === "boolean")) {
      value = String(value);
    }
    if (spec && errors.length === 0) {
      const problems = valueProblems(value, spec, `${w.name}.${name}`);
      if (problems.length > 0) {
        errors.push(...problems.map((message) => ({ kind: "validation" as const, message })));
        const fallback = spec.default;
        return typeof fallback === "string" && fallback.includes("{{") ? undefined : fallback;
      }
    }
    if (spec && errors.length > 0 && value === undefined) {
      const fallback = spec.default;
      return typeof fallback === "string" && fallback.includes("{{") ? undefined : fallback;
    }
    return value;
  }

  protected derivedContext(w: WidgetEntity): DerivedContext {
    return {
      descendants: w.descendants,
      values: (name) => {
        const e = this.entities.get(name);
        return e?.kind === "widget" ? e.values : undefined;
      },
    };
  }

  /** (Re)compute one node; returns whether its value changed. */
  protected evaluateNode(key: string, changedDeps: ReadonlySet<string>): boolean {
    const info = this.nodes.get(key) as NodeInfo;
    const entity = this.entities.get(info.entity) as Entity;
    const errors: EvaluationError[] = [];
    const cycle = this.cyclic.get(key);
    let value: unknown;
    let forceChanged = false;
    if (cycle !== undefined) {
      errors.push({ kind: "cycle", message: cycle });
      value = undefined;
    } else if (entity.kind === "widget") {
      if (info.kind === "property") {
        value = this.evaluateProperty(entity, info.name, errors);
        // Per-item values of a list template are new arrays: always publish them.
        forceChanged = entity.listParent !== undefined && `${ITEMS_PREFIX}${info.name}` in entity.values;
      }
      else if (info.kind === "meta") {
        const spec = this.metaSpec(entity, info.name);
        const from = spec?.defaultFrom;
        // A change of the default resets what the user entered (Appsmith's behaviour).
        if (from && changedDeps.has(`${entity.name}.${from}`)) entity.metaOverride.delete(info.name);
        if (entity.metaOverride.has(info.name)) value = entity.metaOverride.get(info.name);
        else value = from ? entity.values[from] : spec?.default;
        if (from && changedDeps.has(`${entity.name}.${from}`)) for (const m of entity.itemMeta.values()) delete m[info.name];
        // The per-item values start from the new shared value.
        const had = info.name in entity.values;
        const previous = entity.values[info.name];
        entity.values[info.name] = value;
        forceChanged = this.evaluateItemState(entity, info) || !had || !sameValue(previous, value);
      } else if (info.kind === "derived") {
        const impl = this.derived[entity.type]?.[info.name];
        try {
          value = impl ? impl.compute(entity.values, this.derivedContext(entity)) : undefined;
        } catch (error) {
          errors.push({ kind: "runtime", message: messageOf(error) });
        }
        forceChanged = this.evaluateItemState(entity, info);
      }
    } else if (entity.kind === "js" && info.kind === "jsData") {
      // Set by a call (see `jsFunction`); read from the function itself, never stored in values.
      this.setErrors(key, errors);
      return true;
    } else if (entity.kind === "js") {
      if (info.kind === "jsModule") {
        const first = !entity.initialised;
        this.initialiseJsObject(entity, errors);
        value = entity.body;
        forceChanged = first;
      } else {
        value = entity.values[info.name];
        if (info.kind === "jsVar") entity.snapshots.set(info.name, snapshot(value));
        // A function's result depends on what it reads: callers re-evaluate whenever that changes.
        forceChanged = info.kind === "jsFn";
      }
    } else {
      value = entity.values[info.name];
      forceChanged = this.pendingChanged.has(key);
    }
    this.setErrors(key, errors);
    const target = entity.kind === "js" ? entity.values : entity.values;
    const changed = forceChanged || !sameValue(target[info.name], value) || !(info.name in target);
    target[info.name] = value;
    return changed;
  }

  /** Run a JS object's body once: variables get their initial values, functions their `this`. */
  protected initialiseJsObject(entity: JsEntity, errors: EvaluationError[]): void {
    if (entity.initialised) {
      const had = this.errors.get(`${entity.name}.${JS_BODY}`);
      if (had) errors.push(...had);
      return;
    }
    if (!entity.analysis) {
      errors.push(...(this.errors.get(`${entity.name}.${JS_BODY}`) ?? []));
      return;
    }
    entity.initialised = true;
    const wasEvaluating = this.evaluatingData;
    this.evaluatingData = true;
    try {
      const exported = compileJsObject(entity.body, entity.name, this.triggerNames).run(entity.proxy, this.triggerScope);
      for (const member of entity.analysis.members) {
        const value = exported[member.name];
        entity.values[member.name] =
          typeof value === "function" ? this.jsFunction(entity, member.name, (value as (...a: unknown[]) => unknown).bind(entity.proxy)) : value;
      }
    } catch (error) {
      errors.push({ kind: error instanceof BindingSyntaxError ? "syntax" : "runtime", message: messageOf(error) });
    } finally {
      this.evaluatingData = wasEvaluating;
    }
  }

  /**
   * A JS object's function as user code calls it. Called from a trigger (not while a data binding
   * evaluates) it asks first when the function is set to "confirm before calling", and keeps what
   * it returns (awaited) as its `.data`, as Appsmith does.
   */
  protected jsFunction(entity: JsEntity, name: string, fn: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
    const dataKey = `${entity.name}.${name}.data`;
    const wrapper = (...args: unknown[]): unknown => {
      if (this.evaluatingData) return fn(...args);
      const call = (): unknown => {
        const result = fn(...args);
        if (result instanceof Promise) {
          return result.then((value: unknown) => {
            record(value);
            return value;
          });
        }
        record(result);
        return result;
      };
      if (entity.settings[name]?.confirmBeforeRun !== true) return call();
      return this.host.confirmAction(`${entity.name}.${name}`).then((ok) => {
        if (!ok) throw new ActionCancelledError(`${entity.name}.${name}`);
        return call();
      });
    };
    const record = (value: unknown): void => {
      (wrapper as unknown as Values)["data"] = value;
      if (this.nodes.has(dataKey)) this.markChanged(dataKey);
    };
    (wrapper as unknown as Values)["data"] = undefined;
    return wrapper;
  }

  protected setErrors(key: string, errors: EvaluationError[]): void {
    const had = this.errors.get(key);
    if (errors.length === 0) {
      if (had && had.length > 0) {
        this.errors.delete(key);
        this.errorUpdates[key] = [];
      }
      return;
    }
    this.errors.set(key, errors);
    this.errorUpdates[key] = errors;
  }

  /** Evaluate everything that changed since the last flush; returns the changes (when `collect`). */
  flush(collect = true): EvaluationUpdate {
    this.flushScheduled = false;
    this.refreshCycles();
    const changed = new Set<string>();
    const values: Record<string, unknown> = {};
    const seeds = [...this.pendingChanged, ...this.pendingEval];
    for (const key of this.affectedOrder(seeds)) {
      const info = this.nodes.get(key);
      if (!info) continue;
      let needs = this.pendingEval.has(key) || this.pendingChanged.has(key);
      if (!needs) {
        for (const dep of this.graph.dependencies(key)) {
          if (changed.has(dep)) {
            needs = true;
            break;
          }
        }
      }
      if (!needs) continue;
      // A directly set value (meta, action state, JS variable) is already in place.
      const didChange = this.pendingChanged.has(key) && !this.pendingEval.has(key) ? true : this.evaluateNode(key, changed);
      if (didChange) {
        changed.add(key);
        if (collect && info.kind !== "jsFn" && info.kind !== "jsModule" && info.kind !== "jsData") {
          const source = (this.entities.get(info.entity) as Entity).values;
          values[key] = source[info.name];
          const itemsKey = `${ITEMS_PREFIX}${info.name}`;
          if (itemsKey in source) values[`${info.entity}.${itemsKey}`] = source[itemsKey];
        }
      }
    }
    this.pendingChanged.clear();
    this.pendingEval.clear();
    const errors = this.errorUpdates;
    this.errorUpdates = {};
    const actionErrors = this.failuresStale && collect ? this.actionErrorChanges() : undefined;
    return actionErrors ? { values, errors, actionErrors } : { values, errors };
  }

  /** The widgets whose bindings read `Action.data`, directly or through JS object members. */
  protected widgetsReadingData(action: string): Set<string> {
    const widgets = new Set<string>();
    const stack = [`${action}.data`];
    const seen = new Set(stack);
    while (stack.length > 0) {
      for (const reader of this.graph.dependents(stack.pop() as string)) {
        if (seen.has(reader)) continue;
        seen.add(reader);
        const info = this.nodes.get(reader);
        const kind = info ? this.entities.get(info.entity)?.kind : undefined;
        if (kind === "widget" && info?.kind === "property") widgets.add(info.entity);
        else if (kind === "js") stack.push(reader);
      }
    }
    return widgets;
  }

  /**
   * Per widget, the failed actions it reads, for the widgets whose list differs from the one last
   * published (the page shows them on the widget, so an empty table is not mistaken for no data).
   */
  protected actionErrorChanges(): Record<string, readonly ActionFailure[]> | undefined {
    this.failuresStale = false;
    const now = new Map<string, ActionFailure[]>();
    for (const [action, message] of this.failedActions) {
      for (const widget of this.widgetsReadingData(action)) {
        const list = now.get(widget) ?? [];
        list.push({ action, message });
        now.set(widget, list);
      }
    }
    const changes: Record<string, readonly ActionFailure[]> = {};
    const published = new Map<string, string>();
    for (const [widget, list] of now) {
      const signature = JSON.stringify(list);
      published.set(widget, signature);
      if (this.publishedFailures.get(widget) !== signature) changes[widget] = list;
    }
    for (const widget of this.publishedFailures.keys()) if (!now.has(widget)) changes[widget] = [];
    this.publishedFailures = published;
    return Object.keys(changes).length > 0 ? changes : undefined;
  }

  protected affectedOrder(seeds: string[]): readonly string[] {
    if (seeds.length >= this.nodes.size) return this.graph.topologicalOrder();
    return this.graph.affectedBy(seeds);
  }

  protected scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      if (!this.flushScheduled) return;
      const update = this.flush();
      if (Object.keys(update.values).length > 0 || Object.keys(update.errors).length > 0) this.host.update(update);
    });
  }

  /** A state value was set directly: its dependents need evaluating. */
  protected markChanged(key: string): void {
    this.pendingChanged.add(key);
    this.scheduleFlush();
  }

  protected setState(entity: string, name: string, value: unknown): void {
    const e = this.entities.get(entity);
    if (!e) return;
    e.values[name] = value;
    this.markChanged(`${entity}.${name}`);
  }
}
