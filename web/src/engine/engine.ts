/**
 * The evaluation engine: the data tree of one page, kept up to date incrementally.
 *
 * Every readable value is a node `Entity.name` of a dependency graph: widget properties (bindings
 * or literals), meta state, derived values, action state, JS object members and the `appsmith`
 * global. A change marks nodes; `flush` re-evaluates exactly the nodes downstream of the change
 * whose inputs changed, in topological order, and reports the new values and errors.
 */
import { compile, compileJsObject, precompile, type NameSet, type Scope } from "./compile";
import { analyseJsObject, type JsObjectAnalysis } from "./jsObjects";
import { ITEMS_PREFIX } from "./listTemplate";
import { DERIVED, type DerivedContext } from "./derived";
import {
  ActionCancelledError,
  ActionFailedError,
  SideEffectInBindingError,
  UnknownEntityError,
  messageOf,
} from "./errors";
import { ACTION_FUNCTIONS } from "./globals";
import type { ActionFailure, EngineHost, EvaluationError, EvaluationUpdate } from "./host";
import { IDENTITY_KEYS, type PropertySpec, type ValueSpec, type WidgetManifest } from "./manifest";
import { themeValues, urlInfo, type ActionDefinition, type AppsmithInit, type PageDefinition, type WidgetNode } from "./page";
import { analyse, BindingSyntaxError, primeAnalyses, type Reference } from "./references";
import { DependencyGraph } from "./graph";
import { splitSegments } from "./segments";
import { containsBinding, EVENT_KEY, readPath, sameValue, simplePathOf, snapshot, stringify, templateOf } from "./values";
import { createActionFunctions, createTriggerRuntime, type TriggerRuntime } from "./triggers";
import { valueProblems } from "./validation";

type Values = Record<string, unknown>;
type NodeKind = "property" | "meta" | "derived" | "state" | "jsModule" | "jsVar" | "jsFn";

interface NodeInfo {
  readonly kind: NodeKind;
  readonly entity: string;
  readonly name: string;
}

interface WidgetEntity {
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
}

interface ActionEntity {
  readonly kind: "action";
  readonly name: string;
  readonly def: ActionDefinition;
  readonly values: Values;
}

interface JsEntity {
  readonly kind: "js";
  readonly name: string;
  readonly body: string;
  readonly values: Values;
  readonly proxy: Values;
  readonly analysis: JsObjectAnalysis | null;
  /** Whether the body has run (members hold their initial values). */
  initialised: boolean;
  readonly snapshots: Map<string, string>;
}

/** The node of a JS object's body: runs it once and so gives every member its first value. */
const JS_BODY = "body";

/** The `appsmith` global. */
interface GlobalEntity {
  readonly kind: "global";
  readonly name: string;
  readonly values: Values;
}

type Entity = WidgetEntity | ActionEntity | JsEntity | GlobalEntity;

interface TypeInfo {
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
}

const APPSMITH = "appsmith";

export class Engine {
  private readonly manifests = new Map<string, WidgetManifest>();
  private readonly propertySpecs = new Map<string, Map<string, PropertySpec>>();
  private readonly metaSpecs = new Map<string, Map<string, ValueSpec>>();
  private readonly typeInfos = new Map<string, TypeInfo>();
  private readonly host: EngineHost;
  private readonly graph = new DependencyGraph();
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly entities = new Map<string, Entity>();
  private readonly nodesOfEntity = new Map<string, string[]>();
  private readonly errors = new Map<string, readonly EvaluationError[]>();
  /** Action -> the message of its last run, while that run failed. */
  private readonly failedActions = new Map<string, string>();
  /** Widget -> the failures last published for it (see `actionErrorChanges`). */
  private publishedFailures = new Map<string, string>();
  private failuresStale = false;
  private readonly cyclic = new Map<string, string>();
  private cyclesKnown = false;

  private readonly dataScope: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  private readonly triggerScope: Record<string, unknown>;
  private dataNames!: NameSet;
  private triggerNames!: NameSet;
  private readonly extraNameSets = new Map<string, NameSet>();

  private readonly pendingChanged = new Set<string>();
  private readonly pendingEval = new Set<string>();
  private flushScheduled = false;
  /** True while data bindings run: side effects are refused then. */
  private evaluatingData = false;
  private readonly appsmithValues: Values = {};
  private readonly runtime: TriggerRuntime;

  constructor(options: EngineOptions) {
    for (const m of options.manifests) {
      this.manifests.set(m.type, m);
      this.propertySpecs.set(m.type, new Map(m.properties.map((p) => [p.name, p])));
      this.metaSpecs.set(m.type, new Map((m.meta ?? []).map((v) => [v.name, v])));
    }
    this.host = options.host;
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
    Object.assign(this.triggerScope, createActionFunctions(this.runtime));
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
    for (const js of page.jsObjects ?? []) this.addJsObject(js.name, js.body);
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
  private bindingSourcesOfNodes(): string[] {
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

  private clear(): void {
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

  private addEntity(name: string, entity: Entity): void {
    this.entities.set(name, entity);
    this.nodesOfEntity.set(name, []);
    this.dataScope[name] = entity.kind === "js" ? entity.proxy : entity.values;
  }

  private addNode(entity: string, name: string, kind: NodeKind): string {
    const key = `${entity}.${name}`;
    this.nodes.set(key, { kind, entity, name });
    this.graph.addNode(key, { cycleTolerant: kind === "jsFn" });
    this.nodesOfEntity.get(entity)?.push(key);
    return key;
  }

  /** Per widget type, computed once: its defaults and which of them are bindings, its events. */
  private typeInfo(type: string): TypeInfo {
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

  private addWidget(node: WidgetNode, listParent: string | undefined, ancestors: WidgetEntity[]): void {
    const type = this.typeInfo(node.type);
    const manifest = type.manifest;
    const name = node.widgetName;
    const raw: Values = {};
    const values: Values = {};
    const entity: WidgetEntity = { kind: "widget", name, type: node.type, manifest, raw, values, metaOverride: new Map(), descendants: [], listParent, itemMeta: new Map() };
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
    for (const m of type.meta) if (!(m in node)) this.addNode(name, m, "meta");
    for (const d of type.derived) if (!(d in node)) this.addNode(name, d, "derived");
    const children = node.children;
    if (children && children.length > 0) {
      const childList = node.type === "LIST_WIDGET_V2" ? name : listParent;
      const inner = [...ancestors, entity];
      for (const child of children) this.addWidget(child, childList, inner);
    }
  }

  private addAction(def: ActionDefinition): void {
    const prefetched = def.data !== undefined;
    const values: Values = { name: def.name, data: def.data, isLoading: false, responseMeta: { isExecutionSuccess: prefetched }, error: undefined };
    // The side-effect check is synchronous so a data binding gets a plain error, not a promise.
    values["run"] = (params?: Record<string, unknown>) => {
      if (this.evaluatingData) throw new SideEffectInBindingError(`${def.name}.run()`);
      return this.runAction(def.name, params ?? {});
    };
    values["clear"] = () => {
      if (this.evaluatingData) throw new SideEffectInBindingError(`${def.name}.clear()`);
      return this.clearAction(def.name);
    };
    this.addEntity(def.name, { kind: "action", name: def.name, def, values });
    for (const k of ["data", "isLoading", "responseMeta", "error"]) this.addNode(def.name, k, "state");
  }

  private addJsObject(name: string, body: string): void {
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
    const entity: JsEntity = { kind: "js", name, body, values, proxy, analysis, initialised: false, snapshots: new Map() };
    this.addEntity(name, entity);
    this.addNode(name, JS_BODY, "jsModule");
    if (problem !== null) this.errors.set(`${name}.${JS_BODY}`, [{ kind: "syntax", message: problem }]);
    for (const member of analysis?.members ?? []) {
      if (member.name === JS_BODY) continue;
      this.addNode(name, member.name, member.kind === "function" ? "jsFn" : "jsVar");
    }
  }

  /** The developer edited a JS object: its state starts over from the new body. */
  updateJsObject(name: string, body: string): EvaluationUpdate {
    for (const key of this.nodesOfEntity.get(name) ?? []) {
      this.graph.removeNode(key);
      this.nodes.delete(key);
      this.errors.delete(key);
    }
    this.addJsObject(name, body);
    this.rebuildNameSets();
    this.wireAllDependencies();
    for (const key of this.nodesOfEntity.get(name) ?? []) this.pendingEval.add(key);
    return this.flush();
  }

  private rebuildNameSets(): void {
    const entities = this.entities;
    this.dataNames = { has: (n) => entities.has(n), alwaysBound: [] };
    this.triggerNames = { has: (n) => entities.has(n), alwaysBound: ACTION_FUNCTIONS };
    this.extraNameSets.clear();
  }

  private namesWith(base: NameSet, extra: readonly string[]): NameSet {
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
  private resolve(ref: Reference, into: Set<string>): void {
    const nodes = this.nodesOfEntity.get(ref.root);
    if (!nodes) return;
    const dot = ref.path.indexOf(".", ref.root.length + 1);
    const second = ref.path.slice(ref.root.length + 1, dot === -1 ? undefined : dot);
    if (second === "") {
      for (const k of nodes) into.add(k);
      return;
    }
    const key = `${ref.root}.${second}`;
    if (this.nodes.has(key)) into.add(key);
  }

  /** References of every binding in a raw value (strings nested in arrays/objects too). */
  private bindingReferences(raw: unknown, into: Set<string>, extras: readonly string[] = []): void {
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

  private dependenciesOf(key: string): Set<string> {
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
        if (spec?.bindingScope?.length) own("tableData");
        if (entity.listParent) {
          deps.add(`${entity.listParent}.listData`);
          this.currentViewReferences(entity.raw[info.name], deps);
        }
      } else if (info.kind === "meta") {
        const from = this.metaSpec(entity, info.name)?.defaultFrom;
        if (from) own(from);
      } else if (info.kind === "derived") {
        const impl = DERIVED[entity.type]?.[info.name];
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

  private wireAllDependencies(): void {
    for (const key of this.nodes.keys()) this.graph.setDependencies(key, this.dependenciesOf(key));
    this.cyclesKnown = false;
    this.failuresStale = this.failedActions.size > 0 || this.publishedFailures.size > 0;
  }

  private refreshCycles(): void {
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

  // ---------------------------------------------------------------- evaluation

  private propertySpec(w: WidgetEntity, name: string): PropertySpec | undefined {
    return this.propertySpecs.get(w.type)?.get(name);
  }

  private metaSpec(w: WidgetEntity, name: string): ValueSpec | undefined {
    return this.metaSpecs.get(w.type)?.get(name);
  }

  /** `currentView.Input1.text` in a template binding reads `Input1.text` (of the same item). */
  private currentViewReferences(raw: unknown, into: Set<string>): void {
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

  /** A template widget's values as the copy for item `index` has them. */
  private itemView(w: WidgetEntity, index: number): Values {
    const out: Values = { ...w.values };
    for (const [key, perItem] of Object.entries(w.values)) {
      if (key.startsWith(ITEMS_PREFIX) && Array.isArray(perItem)) out[key.slice(ITEMS_PREFIX.length)] = perItem[index];
    }
    for (const key of Object.keys(out)) if (key.startsWith(ITEMS_PREFIX)) delete out[key];
    return Object.assign(out, w.itemMeta.get(index));
  }

  /** `currentView` for item `index`: every widget of the list's template, as that item's copy has it. */
  private currentView(list: WidgetEntity, index: number): Values {
    const view: Values = {};
    for (const name of list.descendants) {
      const e = this.entities.get(name);
      if (e?.kind === "widget" && e.listParent === list.name) view[name] = this.itemView(e, index);
    }
    return view;
  }

  /** Whether a template widget's copies can differ: per-item properties or per-item changes. */
  private hasItemState(w: WidgetEntity): boolean {
    if (w.itemMeta.size > 0) return true;
    for (const key in w.values) if (key.startsWith(ITEMS_PREFIX) && !this.isItemStateKey(w, key)) return true;
    return false;
  }

  private isItemStateKey(w: WidgetEntity, key: string): boolean {
    const name = key.slice(ITEMS_PREFIX.length);
    return this.metaSpec(w, name) !== undefined || (DERIVED[w.type]?.[name] !== undefined);
  }

  /**
   * A template widget's meta or derived value per item (`__items__.text`): what the user changed in
   * that copy, else the copy's own default, else the shared value. Returns whether it was set.
   */
  private evaluateItemState(w: WidgetEntity, info: NodeInfo): boolean {
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
        const impl = DERIVED[w.type]?.[info.name];
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

  private listScopeNames(w: WidgetEntity): string[] {
    if (!w.listParent) return [];
    const list = this.entities.get(w.listParent) as WidgetEntity | undefined;
    return (list?.manifest?.childScope ?? []).map((s) => s.name);
  }

  /** Evaluate one binding expression as a data binding; errors go to `errors`. */
  private evaluateExpression(code: string, names: NameSet, scope: Scope, errors: EvaluationError[], thisArg?: unknown): unknown {
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
  private evaluateRaw(raw: unknown, names: NameSet, scope: Scope, errors: EvaluationError[], thisArg?: unknown): unknown {
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
  private evaluatePerRow(raw: unknown, w: WidgetEntity, scopeNames: string[], errors: EvaluationError[]): unknown {
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
      const rows = Array.isArray(w.values["tableData"]) ? (w.values["tableData"] as unknown[]) : [];
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
  private listScope(w: WidgetEntity): { names: NameSet; scope: Scope } {
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
  private evaluatePerItem(w: WidgetEntity, name: string, raw: string, names: NameSet): void {
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

  private evaluateProperty(w: WidgetEntity, name: string, errors: EvaluationError[]): unknown {
    const spec = this.propertySpec(w, name);
    const raw = w.raw[name];
    let value: unknown;
    if (spec?.bindingScope?.length) {
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

  private derivedContext(w: WidgetEntity): DerivedContext {
    return {
      descendants: w.descendants,
      values: (name) => {
        const e = this.entities.get(name);
        return e?.kind === "widget" ? e.values : undefined;
      },
    };
  }

  /** (Re)compute one node; returns whether its value changed. */
  private evaluateNode(key: string, changedDeps: ReadonlySet<string>): boolean {
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
        const impl = DERIVED[entity.type]?.[info.name];
        try {
          value = impl ? impl.compute(entity.values, this.derivedContext(entity)) : undefined;
        } catch (error) {
          errors.push({ kind: "runtime", message: messageOf(error) });
        }
        forceChanged = this.evaluateItemState(entity, info);
      }
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
  private initialiseJsObject(entity: JsEntity, errors: EvaluationError[]): void {
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
        entity.values[member.name] = typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(entity.proxy) : value;
      }
    } catch (error) {
      errors.push({ kind: error instanceof BindingSyntaxError ? "syntax" : "runtime", message: messageOf(error) });
    } finally {
      this.evaluatingData = wasEvaluating;
    }
  }

  private errorUpdates: Record<string, readonly EvaluationError[]> = {};

  private setErrors(key: string, errors: EvaluationError[]): void {
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
        if (collect && info.kind !== "jsFn" && info.kind !== "jsModule") {
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
  private widgetsReadingData(action: string): Set<string> {
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
  private actionErrorChanges(): Record<string, readonly ActionFailure[]> | undefined {
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

  private affectedOrder(seeds: string[]): readonly string[] {
    if (seeds.length >= this.nodes.size) return this.graph.topologicalOrder();
    return this.graph.affectedBy(seeds);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      if (!this.flushScheduled) return;
      const update = this.flush();
      if (Object.keys(update.values).length > 0 || Object.keys(update.errors).length > 0) this.host.update(update);
    });
  }

  /** A state value was set directly: its dependents need evaluating. */
  private markChanged(key: string): void {
    this.pendingChanged.add(key);
    this.scheduleFlush();
  }

  private setState(entity: string, name: string, value: unknown): void {
    const e = this.entities.get(entity);
    if (!e) return;
    e.values[name] = value;
    this.markChanged(`${entity}.${name}`);
  }

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

  private reportTriggerError(source: string, error: unknown): void {
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
  async runAction(name: string, params: Readonly<Record<string, unknown>> = {}): Promise<unknown> {
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
      this.host.effect({ kind: "showAlert", message: error.message, style: "error" });
      throw error;
    }
    return result.data;
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
   * Run the actions marked "run on page load": each waits for the on-load actions its bindings
   * depend on (directly or through widgets and JS), independent ones run in parallel.
   */
  async runOnLoadActions(): Promise<void> {
    const onLoad = [...this.entities.values()].filter(
      (e): e is ActionEntity => e.kind === "action" && e.def.settings?.runOnPageLoad === true,
    );
    const names = new Set(onLoad.map((a) => a.name));
    const prerequisites = new Map<string, string[]>();
    for (const a of onLoad) {
      const direct = new Set<string>();
      this.bindingReferences(a.def.config, direct);
      const upstream = new Set([...direct, ...this.graph.upstreamOf(direct)]);
      const needs = [...names].filter((b) => b !== a.name && [...upstream].some((k) => k.startsWith(`${b}.`)));
      prerequisites.set(a.name, needs);
    }
    const started = new Map<string, Promise<void>>();
    const start = (name: string, path: string[]): Promise<void> => {
      const existing = started.get(name);
      if (existing) return existing;
      const needs = (prerequisites.get(name) ?? []).filter((n) => !path.includes(n));
      const promise = Promise.all(needs.map((n) => start(n, [...path, name])))
        .then(() => this.runAction(name))
        .then(
          () => undefined,
          (error: unknown) => this.host.effect({ kind: "log", level: "error", message: messageOf(error), source: name }),
        );
      started.set(name, promise);
      return promise;
    };
    await Promise.all(onLoad.map((a) => start(a.name, [])));
    await this.settled();
  }

  // ---------------------------------------------------------------- action functions

  private createRuntime(): TriggerRuntime {
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

  private async runCallback(fn: () => unknown, source: string): Promise<void> {
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
