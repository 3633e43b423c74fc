/**
 * The dependency graph between evaluated values (`Entity.property` keys).
 *
 * Edges run from a value to the values computed from it. The topological order and the cycles
 * come from one pass of Tarjan's algorithm (iterative, so deep chains cannot overflow the stack),
 * recomputed lazily after the graph changes.
 */

export class DependencyGraph {
  private readonly depsOf = new Map<string, Set<string>>();
  private readonly dependentsOf = new Map<string, Set<string>>();
  private order: string[] | null = null;
  private position = new Map<string, number>();
  private cycles: string[][] = [];
  /** Nodes whose mutual recursion is legal (JS functions calling each other). */
  private readonly cycleTolerant = new Set<string>();

  addNode(key: string, options: { cycleTolerant?: boolean } = {}): void {
    if (!this.depsOf.has(key)) {
      this.depsOf.set(key, new Set());
      this.dependentsOf.set(key, this.dependentsOf.get(key) ?? new Set());
      this.order = null;
    }
    if (options.cycleTolerant) this.cycleTolerant.add(key);
  }

  hasNode(key: string): boolean {
    return this.depsOf.has(key);
  }

  removeNode(key: string): void {
    this.setDependencies(key, []);
    for (const dependent of this.dependentsOf.get(key) ?? []) this.depsOf.get(dependent)?.delete(key);
    this.depsOf.delete(key);
    this.dependentsOf.delete(key);
    this.cycleTolerant.delete(key);
    this.order = null;
  }

  /** Replace the dependencies of `key`; unknown dependencies are ignored. */
  setDependencies(key: string, deps: Iterable<string>): void {
    const current = this.depsOf.get(key);
    if (!current) return;
    for (const dep of current) this.dependentsOf.get(dep)?.delete(key);
    current.clear();
    for (const dep of deps) {
      if (dep === key && this.cycleTolerant.has(key)) continue;
      if (!this.depsOf.has(dep)) continue;
      current.add(dep);
      this.dependentsOf.get(dep)?.add(key);
    }
    this.order = null;
  }

  dependencies(key: string): ReadonlySet<string> {
    return this.depsOf.get(key) ?? new Set();
  }

  dependents(key: string): ReadonlySet<string> {
    return this.dependentsOf.get(key) ?? new Set();
  }

  /** Every node, dependencies before dependents (nodes of a cycle are adjacent). */
  topologicalOrder(): readonly string[] {
    this.compute();
    return this.order as string[];
  }

  /** Groups of nodes that depend on each other (a node depending on itself is a group of one). */
  cyclicGroups(): readonly (readonly string[])[] {
    this.compute();
    return this.cycles;
  }

  /** `keys` and everything that depends on them, in topological order. */
  affectedBy(keys: Iterable<string>): string[] {
    this.compute();
    const seen = new Set<string>();
    const stack = [...keys].filter((k) => this.depsOf.has(k));
    while (stack.length > 0) {
      const key = stack.pop() as string;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const d of this.dependentsOf.get(key) ?? []) if (!seen.has(d)) stack.push(d);
    }
    return [...seen].sort((a, b) => (this.position.get(a) ?? 0) - (this.position.get(b) ?? 0));
  }

  /** Everything `keys` depend on, directly or not. */
  upstreamOf(keys: Iterable<string>): Set<string> {
    const seen = new Set<string>();
    const stack = [...keys];
    while (stack.length > 0) {
      const key = stack.pop() as string;
      for (const dep of this.depsOf.get(key) ?? []) {
        if (!seen.has(dep)) {
          seen.add(dep);
          stack.push(dep);
        }
      }
    }
    return seen;
  }

  private compute(): void {
    if (this.order !== null) return;
    // Tarjan over dependency -> dependent edges emits each component after everything it reaches,
    // i.e. dependents first; reversing gives dependencies first.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const components: string[][] = [];
    let counter = 0;
    for (const start of this.depsOf.keys()) {
      if (index.has(start)) continue;
      const work: { node: string; it: Iterator<string> }[] = [];
      const open = (node: string): void => {
        index.set(node, counter);
        low.set(node, counter);
        counter += 1;
        stack.push(node);
        onStack.add(node);
        work.push({ node, it: (this.dependentsOf.get(node) ?? new Set<string>()).values() });
      };
      open(start);
      while (work.length > 0) {
        const frame = work[work.length - 1] as { node: string; it: Iterator<string> };
        const next = frame.it.next();
        if (!next.done) {
          const w = next.value;
          if (!index.has(w)) open(w);
          else if (onStack.has(w)) low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(w) as number));
          continue;
        }
        work.pop();
        const parent = work[work.length - 1];
        if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
        if (low.get(frame.node) === index.get(frame.node)) {
          const component: string[] = [];
          for (;;) {
            const w = stack.pop() as string;
            onStack.delete(w);
            component.push(w);
            if (w === frame.node) break;
          }
          components.push(component);
        }
      }
    }
    components.reverse();
    const order: string[] = [];
    const cycles: string[][] = [];
    for (const component of components) {
      component.reverse();
      order.push(...component);
      const only = component[0] as string;
      const isCycle = component.length > 1 || this.depsOf.get(only)?.has(only) === true;
      if (isCycle && !component.every((k) => this.cycleTolerant.has(k))) cycles.push(component);
    }
    this.order = order;
    this.position = new Map(order.map((k, i) => [k, i]));
    this.cycles = cycles;
  }
}
