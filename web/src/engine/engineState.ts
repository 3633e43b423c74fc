/**
 * The engine's state, and how a page becomes nodes of its dependency graph (the "loading" and
 * "dependencies" sections of the engine). `evaluation.ts` evaluates the nodes; `engine.ts` is the
 * public surface: reading, changes from the page, triggers and actions.
 */
import { precompile, type NameSet } from "./compile";
import { analyseJsObject, type JsObjectAnalysis } from "./jsObjects";
import { installedDerived, type DerivedTable } from "./derived";
import { SideEffectInBindingError, messageOf } from "./errors";
import { ACTION_FUNCTIONS, TRIGGER_ONLY_GLOBALS } from "./globals";
import type { EngineHost, EvaluationError, EvaluationUpdate } from "./host";
import { IDENTITY_KEYS, type PropertySpec, type ValueSpec, type WidgetManifest } from "./manifest";
import { themeValues, urlInfo, type ActionDefinition, type AppsmithInit, type JsFunctionSettings, type PageDefinition, type WidgetNode } from "./page";
import { analyse, primeAnalyses, type Reference } from "./references";
import { DependencyGraph } from "./graph";
import { containsBinding, EVENT_KEY, templateOf } from "./values";
import { createActionFunctions, createTriggerGlobals, type TriggerRuntime } from "./triggers";

export type Values = Record<string, unknown>;
/**
 * `jsData` is a JS function's `.data` (`Utils.load.data`, key `Utils.load.data`): the value its
 * last call returned, set when it runs, like an action's data; reading it is not reading the code.
 */
export type NodeKind = "property" | "meta" | "derived" | "state" | "jsModule" | "jsVar" | "jsFn" | "jsData";

export interface NodeInfo {
  readonly kind: NodeKind;
  readonly entity: string;
  readonly name: string;
}

export interface WidgetEntity {
  readonly kind: "widget";
  readonly name: string;
  readonly type: string;
  readonly manifest: WidgetManifest | undefined;
  readonly raw: Values;
  readonly values: Values;
  readonly metaOverride: Map<string, unknown>;
  readonly descendants: string[];
  /** The LIST_WIDGET_V2 this widget is a template inside, if any. */
  readonly listParent: string | undefined;
  /** For a template widget: what the user changed in the copy of each item, by item index. */
  readonly itemMeta: Map<number, Values>;
  /** Property values set by the widget's setters (`setVisibility(false)`), replacing the page's. */
  readonly setterOverride: Map<string, unknown>;
}

export interface ActionEntity {
  readonly kind: "action";
  readonly name: string;
  readonly def: ActionDefinition;
  readonly values: Values;
}

export interface JsEntity {
  readonly kind: "js";
  readonly name: string;
  readonly body: string;
  readonly values: Values;
  readonly proxy: Values;
  readonly analysis: JsObjectAnalysis | null;
  readonly settings: Readonly<Record<string, JsFunctionSettings>>;
  /** Whether the body has run (members hold their initial values). */
  initialised: boolean;
  readonly snapshots: Map<string, string>;
}

/** The node of a JS object's body: runs it once and so gives every member its first value. */
export const JS_BODY = "body";

/** The `appsmith` global. */
export interface GlobalEntity {
  readonly kind: "global";
  readonly name: string;
  readonly values: Values;
}

export type Entity = WidgetEntity | ActionEntity | JsEntity | GlobalEntity;

export interface TypeInfo {
  readonly manifest: WidgetManifest | undefined;
  /** [property, default, whether the default holds a binding] */
  readonly defaults: readonly [string, unknown, boolean][];
  readonly events: ReadonlySet<string>;
  readonly meta: readonly string[];
  readonly derived: readonly string[];
}

export interface EngineOptions {
  readonly manifests: readonly WidgetManifest[];
  readonly host: EngineHost;
  readonly appsmith?: AppsmithInit;
  /** How each widget type computes its derived values; the installed table when omitted. */
  readonly derived?: DerivedTable;
}

export const APPSMITH = "appsmith";

export abstract class EngineState {
  protected readonly manifests = new Map<string, WidgetManifest>();
  protected readonly propertySpecs = new Map<string, Map<string, PropertySpec>>();
  protected readonly metaSpecs = new Map<string, Map<string, ValueSpec>>();
  protected readonly typeInfos = new Map<string, TypeInfo>();
  protected readonly host: EngineHost;
  protected readonly derived: DerivedTable;
  protected readonly graph = new DependencyGraph();
  protected readonly nodes = new Map<string, NodeInfo>();
  protected readonly entities = new Map<string, Entity>();
  protected readonly nodesOfEntity = new Map<string, string[]>();
  protected readonly errors = new Map<string, readonly EvaluationError[]>();
  /** Action -> the message of its last run, while that run failed. */
  protected readonly failedActions = new Map<string, string>();
  /** Widget -> the failures last published for it (see `actionErrorChanges`). */
  protected publishedFailures = new Map<string, string>();
  protected failuresStale = false;
  /** Errors changed since the last update, by node. */
  protected errorUpdates: Record<string, readonly EvaluationError[]> = {};
  protected readonly cyclic = new Map<string, string>();
  protected cyclesKnown = false;

  protected readonly dataScope: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  protected readonly triggerScope: Record<string, unknown>;
  protected dataNames!: NameSet;
  protected triggerNames!: NameSet;
  protected readonly extraNameSets = new Map<string, NameSet>();

  protected readonly pendingChanged = new Set<string>();
  protected readonly pendingEval = new Set<string>();
  protected flushScheduled = false;
  /** True while data bindings run: side effects are refused then. */
  protected evaluatingData = false;
  protected readonly appsmithValues: Values = {};
  protected readonly runtime: TriggerRuntime;

  constructor(options: EngineOptions) {
    for (const m of options.manifests) {
      this.manifests.set(m.type, m);
      this.propertySpecs.set(m.type, new Map(m.properties.map((p) => [p.name, p])));
      this.metaSpecs.set(m.type, new Map((m.meta ?? []).map((v) => [v.name, v])));
    }
    this.host = options.host;
    this.derived = options.derived ?? installedDerived();
    const init = options.appsmith ?? {};
    Object.assign(this.appsmithValues, {
      store: { ...(init.store ?? {}) },
      user: { ...(init.user ?? {}) },
      URL: urlInfo(init.url ?? "http://localhost/"),
      theme: themeValues(init.theme),
      mode: init.mode ?? "VIEW",
    });
    this.runtime = this.createRuntime();
    this.triggerScope = Object.create(this.dataScope) as Record<string, unknown>;
    Object.assign(this.triggerScope, createActionFunctions(this.runtime), createTriggerGlobals(this.runtime));
    this.rebuildNameSets();
  }

  // ---------------------------------------------------------------- loading

  /** Load a page and evaluate everything; returns every value and error. */
  load(page: PageDefinition): EvaluationUpdate {
    this.clear();
    this.addEntity(APPSMITH, { kind: "global", name: APPSMITH, values: this.appsmithValues });
    for (const key of Object.keys(this.appsmithValues)) this.addNode(APPSMITH, key, "state");
    this.addWidget(page.dsl, undefined, []);
    for (const action of page.actions ?? []) this.addAction(action);
    for (const js of page.jsObjects ?? []) this.addJsObject(js.name, js.body, js.settings ?? {});
    this.rebuildNameSets();
    const sources = this.bindingSourcesOfNodes();
    primeAnalyses(sources);
    precompile(sources, this.dataNames);
    this.wireAllDependencies();
    for (const key of this.nodes.keys()) this.pendingEval.add(key);
    this.flush(false);
    // The first update carries every widget's values, literals included, for the first paint.
    const errors: Record<string, readonly EvaluationError[]> = {};
    for (const [k, v] of this.errors) errors[k] = v;
    return { values: {}, errors, snapshot: this.widgetValues() };
  }

  /** The code of every data binding held by a widget property node. */
  protected bindingSourcesOfNodes(): string[] {
    const out: string[] = [];
    const walk = (raw: unknown): void => {
      if (typeof raw === "string") {
        if (raw.includes("{{")) for (const s of templateOf(raw).segments) if (s.isBinding) out.push(s.source);
      } else if (Array.isArray(raw)) raw.forEach(walk);
      else if (typeof raw === "object" && raw !== null) {
        for (const [k, v] of Object.entries(raw)) if (!EVENT_KEY.test(k)) walk(v);
      }
    };
    for (const [key, info] of this.nodes) {
      if (info.kind !== "property") continue;
      const e = this.entities.get(info.entity);
      if (e?.kind === "widget") walk(e.raw[key.slice(info.entity.length + 1)]);
    }
    return out;
  }

  protected clear(): void {
    for (const key of [...this.nodes.keys()]) this.graph.removeNode(key);
    this.nodes.clear();
    this.entities.clear();
    this.nodesOfEntity.clear();
    this.errors.clear();
    this.cyclic.clear();
    this.pendingChanged.clear();
    this.pendingEval.clear();
    this.errorUpdates = {};
    this.failedActions.clear();
    this.publishedFailures.clear();
    this.failuresStale = false;
    this.cyclesKnown = false;
    for (const key of Object.keys(this.dataScope)) delete this.dataScope[key];
    this.runtime.stopAllIntervals();
  }

  protected addEntity(name: string, entity: Entity): void {
    this.entities.set(name, entity);
    this.nodesOfEntity.set(name, []);
    this.dataScope[name] = entity.kind === "js" ? entity.proxy : entity.values;
  }

  protected addNode(entity: string, name: string, kind: NodeKind): string {
    const key = `${entity}.${name}`;
    this.nodes.set(key, { kind, entity, name });
    this.graph.addNode(key, { cycleTolerant: kind === "jsFn" });
    this.nodesOfEntity.get(entity)?.push(key);
    return key;
  }

  /** Per widget type, computed once: its defaults and which of them are bindings, its events. */
  protected typeInfo(type: string): TypeInfo {
    let info = this.typeInfos.get(type);
    if (!info) {
      const manifest = this.manifests.get(type);
      const defaults: [string, unknown, boolean][] = [];
      for (const p of manifest?.properties ?? []) {
        if (p.default !== undefined && p.default !== null) defaults.push([p.name, p.default, containsBinding(p.default)]);
      }
      info = {
        manifest,
        defaults,
        events: new Set((manifest?.events ?? []).map((e) => e.name)),
        meta: (manifest?.meta ?? []).map((m) => m.name),
        derived: (manifest?.derived ?? []).map((d) => d.name),
      };
      this.typeInfos.set(type, info);
    }
    return info;
  }

  protected addWidget(node: WidgetNode, listParent: string | undefined, ancestors: WidgetEntity[]): void {
    const type = this.typeInfo(node.type);
    const manifest = type.manifest;
    const name = node.widgetName;
    const raw: Values = {};
    const values: Values = {};
    const entity: WidgetEntity = {
      kind: "widget", name, type: node.type, manifest, raw, values, metaOverride: new Map(), descendants: [], listParent, itemMeta: new Map(), setterOverride: new Map(),
    };
    this.addEntity(name, entity);
    for (const a of ancestors) a.descendants.push(name);
    // Defaults the page does not override: valid by construction (manifests are checked), so
    // literals go straight into the tree; bindings (theme colours) become nodes.
    for (const [k, v, isBinding] of type.defaults) {
      raw[k] = v;
      if (k in node) continue;
      if (isBinding) this.addNode(name, k, "property");
      else values[k] = v;
    }
    for (const k in node) {
      if (k === "children") continue;
      const v = node[k];
      raw[k] = v;
      if (IDENTITY_KEYS.has(k) || type.events.has(k) || (manifest === undefined && EVENT_KEY.test(k))) values[k] = v;
      else if (containsBinding(v)) this.addNode(name, k, "property");
      else {
        // A literal never changes at run time: checked once, and no graph node needed.
        const errors: EvaluationError[] = [];
        values[k] = this.evaluateProperty(entity, k, errors);
        if (errors.length > 0) this.setErrors(`${name}.${k}`, errors);
      }
    }
    this.addWidgetMethods(entity);
    for (const m of type.meta) if (!(m in node)) this.addNode(name, m, "meta");
    for (const d of type.derived) if (!(d in node)) this.addNode(name, d, "derived");
    const children = node.children;
    if (children && children.length > 0) {
      const childList = node.type === "LIST_WIDGET_V2" ? name : listParent;
      const inner = [...ancestors, entity];
      for (const child of children) this.addWidget(child, childList, inner);
    }
  }

  /**
   * `name` (Appsmith's `Modal1.name`, what `closeModal` takes) and the setters the widget's
   * manifest declares. Not enumerable: they are not values, so the page's copy and
   * `JSON.stringify(Input1)` leave them out.
   */
  protected addWidgetMethods(w: WidgetEntity): void {
    // A key the widget itself carries (an imported widget's own `name`) stays as it is.
    const hidden = (key: string, value: unknown): void => {
      if (Object.hasOwn(w.values, key) || Object.hasOwn(w.raw, key)) return;
      Object.defineProperty(w.values, key, { value, enumerable: false, writable: true, configurable: true });
    };
    hidden("name", w.name);
    for (const setter of w.manifest?.setters ?? []) {
      // The side-effect check is synchronous so a data binding gets a plain error, not a promise.
      hidden(setter.name, (value: unknown) => {
        if (this.evaluatingData) throw new SideEffectInBindingError(`${w.name}.${setter.name}()`);
        return this.setWidgetProperty(w.name, setter.property, value);
      });
    }
  }

  protected addAction(def: ActionDefinition): void {
    const prefetched = def.data !== undefined;
    const values: Values = { name: def.name, data: def.data, isLoading: false, responseMeta: { isExecutionSuccess: prefetched }, error: undefined };
    // The side-effect check is synchronous so a data binding gets a plain error, not a promise.
    // `run(params)`, the promise form, or Appsmith's callbacks: `run(onSuccess, onError, params)`.
    values["run"] = (first?: unknown, onError?: unknown, params?: unknown) => {
      if (this.evaluatingData) throw new SideEffectInBindingError(`${def.name}.run()`);
      if (typeof first === "function" || typeof onError === "function" || params !== undefined) {
        return this.runActionWithCallbacks(def.name, first, onError, params);
      }
      return this.runAction(def.name, typeof first === "object" && first !== null ? (first as Record<string, unknown>) : {});
    };
    values["clear"] = () => {
      if (this.evaluatingData) throw new SideEffectInBindingError(`${def.name}.clear()`);
      return this.clearAction(def.name);
    };
    this.addEntity(def.name, { kind: "action", name: def.name, def, values });
    for (const k of ["data", "isLoading", "responseMeta", "error"]) this.addNode(def.name, k, "state");
  }

  protected addJsObject(name: string, body: string, settings: Readonly<Record<string, JsFunctionSettings>> = {}): void {
    const values: Values = {};
    const proxy = new Proxy(values, {
      set: (target, prop, value) => {
        target[prop as string] = value;
        const key = `${name}.${String(prop)}`;
        if (this.nodes.get(key)?.kind === "jsVar") this.markChanged(key);
        return true;
      },
    });
    let analysis: JsObjectAnalysis | null = null;
    let problem: string | null = null;
    try {
      analysis = analyseJsObject(body, name);
    } catch (error) {
      problem = messageOf(error);
    }
    const entity: JsEntity = { kind: "js", name, body, values, proxy, analysis, settings, initialised: false, snapshots: new Map() };
    this.addEntity(name, entity);
    this.addNode(name, JS_BODY, "jsModule");
    if (problem !== null) this.errors.set(`${name}.${JS_BODY}`, [{ kind: "syntax", message: problem }]);
    for (const member of analysis?.members ?? []) {
      if (member.name === JS_BODY) continue;
      this.addNode(name, member.name, member.kind === "function" ? "jsFn" : "jsVar");
      if (member.kind === "function") this.addNode(name, `${member.name}.data`, "jsData");
    }
  }

  /** The developer edited a JS object: its state starts over from the new body. */
  updateJsObject(name: string, body: string, settings?: Readonly<Record<string, JsFunctionSettings>>): EvaluationUpdate {
    const previous = this.entities.get(name);
    const kept = settings ?? (previous?.kind === "js" ? previous.settings : {});
    for (const key of this.nodesOfEntity.get(name) ?? []) {
      this.graph.removeNode(key);
      this.nodes.delete(key);
      this.errors.delete(key);
    }
    this.addJsObject(name, body, kept);
    this.rebuildNameSets();
    this.wireAllDependencies();
    for (const key of this.nodesOfEntity.get(name) ?? []) this.pendingEval.add(key);
    return this.flush();
  }

  protected rebuildNameSets(): void {
    const entities = this.entities;
    this.dataNames = { has: (n) => entities.has(n), alwaysBound: [] };
    this.triggerNames = { has: (n) => entities.has(n), alwaysBound: [...ACTION_FUNCTIONS, ...TRIGGER_ONLY_GLOBALS] };
    this.extraNameSets.clear();
  }

  protected namesWith(base: NameSet, extra: readonly string[]): NameSet {
    if (extra.length === 0) return base;
    const id = `${base === this.triggerNames ? "t" : "d"}:${extra.join(",")}`;
    let set = this.extraNameSets.get(id);
    if (!set) {
      const extras = new Set(extra);
      set = { has: (n) => extras.has(n) || base.has(n), alwaysBound: base.alwaysBound };
      this.extraNameSets.set(id, set);
    }
    return set;
  }

  // ---------------------------------------------------------------- dependencies

  /** The graph nodes a reference reads: `A.b.c` -> `A.b`; a bare `A` -> all of A's nodes. */
  protected resolve(ref: Reference, into: Set<string>): void {
    const nodes = this.nodesOfEntity.get(ref.root);
    if (!nodes) return;
    const dot = ref.path.indexOf(".", ref.root.length + 1);
    const second = ref.path.slice(ref.root.length + 1, dot === -1 ? undefined : dot);
    if (second === "") {
      for (const k of nodes) into.add(k);
      return;
    }
    const key = `${ref.root}.${second}`;
    // `Utils.load.data` reads the function's last result, not its code.
    if (this.nodes.get(key)?.kind === "jsFn" && ref.path.startsWith(`${key}.data`) && /^(\.|$)/.test(ref.path.slice(key.length + 5))) {
      into.add(`${key}.data`);
      return;
    }
    if (this.nodes.has(key)) into.add(key);
  }

  /** References of every binding in a raw value (strings nested in arrays/objects too). */
  protected bindingReferences(raw: unknown, into: Set<string>, extras: readonly string[] = []): void {
    if (typeof raw === "string") {
      if (!raw.includes("{{")) return;
      for (const seg of templateOf(raw).segments) {
        if (!seg.isBinding) continue;
        try {
          for (const ref of analyse(seg.source, "expression").references) {
            if (!extras.includes(ref.root)) this.resolve(ref, into);
          }
        } catch {
          // A syntax error is reported when the binding is evaluated.
        }
      }
    } else if (Array.isArray(raw)) {
      for (const item of raw) this.bindingReferences(item, into, extras);
    } else if (typeof raw === "object" && raw !== null) {
      for (const [k, v] of Object.entries(raw)) if (!EVENT_KEY.test(k)) this.bindingReferences(v, into, extras);
    }
  }

  protected dependenciesOf(key: string): Set<string> {
    const info = this.nodes.get(key) as NodeInfo;
    const deps = new Set<string>();
    const entity = this.entities.get(info.entity);
    if (!entity) return deps;
    if (entity.kind === "widget") {
      const own = (name: string): void => {
        const k = `${entity.name}.${name}`;
        if (this.nodes.has(k)) deps.add(k);
      };
      if (info.kind === "property") {
        const spec = this.propertySpec(entity, info.name);
        const extras = [...(spec?.bindingScope ?? []).map((s) => s.name), ...this.listScopeNames(entity)];
        this.bindingReferences(entity.raw[info.name], deps, extras);
        // Per-row bindings run over the table's processedTableData (its rows with edits), else tableData.
        if (spec?.bindingScope?.length) {
          own("tableData");
          own("processedTableData");
        }
        if (entity.listParent) {
          deps.add(`${entity.listParent}.listData`);
          this.currentViewReferences(entity.raw[info.name], deps);
        }
      } else if (info.kind === "meta") {
        const from = this.metaSpec(entity, info.name)?.defaultFrom;
        if (from) own(from);
      } else if (info.kind === "derived") {
        const impl = this.derived[entity.type]?.[info.name];
        for (const r of impl?.reads ?? []) own(r);
        if (impl?.readsDescendants) {
          for (const d of entity.descendants) for (const k of this.nodesOfEntity.get(d) ?? []) deps.add(k);
        }
      }
    } else if (entity.kind === "js" && entity.analysis) {
      const js = entity.analysis;
      if (info.kind === "jsModule") {
        // The body runs once, when everything its top-level code and initial values read is ready.
        for (const ref of js.moduleReferences) this.resolve(ref, deps);
        for (const m of js.members) if (m.kind === "variable") for (const ref of m.references) this.resolve(ref, deps);
      } else {
        deps.add(`${entity.name}.${JS_BODY}`);
        if (info.kind === "jsFn") {
          for (const ref of js.members.find((m) => m.name === info.name)?.references ?? []) this.resolve(ref, deps);
        }
      }
    }
    return deps;
  }

  protected wireAllDependencies(): void {
    for (const key of this.nodes.keys()) this.graph.setDependencies(key, this.dependenciesOf(key));
    this.cyclesKnown = false;
    this.failuresStale = this.failedActions.size > 0 || this.publishedFailures.size > 0;
  }

  protected refreshCycles(): void {
    if (this.cyclesKnown) return;
    const before = new Set(this.cyclic.keys());
    this.cyclic.clear();
    for (const group of this.graph.cyclicGroups()) {
      const message = `cyclic dependency: ${[...group, group[0]].join(" -> ")}`;
      for (const key of group) this.cyclic.set(key, message);
    }
    // Nodes that left a cycle must be evaluated again.
    for (const key of before) if (!this.cyclic.has(key)) this.pendingEval.add(key);
    this.cyclesKnown = true;
  }

  // ---------------------------------------------------------------- specs and list scope

  protected propertySpec(w: WidgetEntity, name: string): PropertySpec | undefined {
    return this.propertySpecs.get(w.type)?.get(name);
  }

  protected metaSpec(w: WidgetEntity, name: string): ValueSpec | undefined {
    return this.metaSpecs.get(w.type)?.get(name);
  }

  /** `currentView.Input1.text` in a template binding reads `Input1.text` (of the same item). */
  protected currentViewReferences(raw: unknown, into: Set<string>): void {
    if (typeof raw !== "string" || !raw.includes("currentView")) return;
    for (const seg of templateOf(raw).segments) {
      if (!seg.isBinding) continue;
      try {
        for (const ref of analyse(seg.source, "expression").references) {
          if (ref.root !== "currentView") continue;
          const [, widget, name] = ref.path.split(".");
          if (widget) this.resolve({ ...ref, root: widget, path: name ? `${widget}.${name}` : widget }, into);
        }
      } catch {
        // A syntax error is reported when the binding is evaluated.
      }
    }
  }

  protected listScopeNames(w: WidgetEntity): string[] {
    if (!w.listParent) return [];
    const list = this.entities.get(w.listParent) as WidgetEntity | undefined;
    return (list?.manifest?.childScope ?? []).map((s) => s.name);
  }

  // ---------------------------------------------------------------- provided by the layers above

  abstract flush(collect?: boolean): EvaluationUpdate;
  abstract widgetValues(): Record<string, Values>;
  abstract resetWidget(name: string, resetChildren?: boolean): EvaluationUpdate;
  abstract runAction(name: string, params?: Readonly<Record<string, unknown>>, options?: { readonly handled?: boolean }): Promise<unknown>;
  abstract runActionWithCallbacks(name: string, onSuccess: unknown, onError: unknown, params: unknown): Promise<unknown>;
  abstract setWidgetProperty(widget: string, name: string, value: unknown): Promise<void>;
  abstract clearAction(name: string): Promise<void>;
  protected abstract evaluateProperty(w: WidgetEntity, name: string, errors: EvaluationError[]): unknown;
  protected abstract setErrors(key: string, errors: EvaluationError[]): void;
  protected abstract markChanged(key: string): void;
  protected abstract createRuntime(): TriggerRuntime;
}
