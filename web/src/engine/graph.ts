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
    // i.e. dependents first; reversing gives dependencies first. A page load runs this over tens of
    // thousands of nodes before the JIT has warmed up, so the walk runs on numbered nodes and flat
    // arrays, and the (usual) one-node components allocate nothing.
    const keys = [...this.depsOf.keys()];
    const n = keys.length;
    const id = new Map<string, number>();
    for (let i = 0; i < n; i++) id.set(keys[i] as string, i);
    // Dependents of node i: targets[first[i] .. first[i + 1]).
    const first = new Int32Array(n + 1);
    const targetList: number[] = [];
    for (let i = 0; i < n; i++) {
      first[i] = targetList.length;
      for (const d of this.dependentsOf.get(keys[i] as string) ?? []) {
        const j = id.get(d);
        if (j !== undefined) targetList.push(j);
      }
    }
    first[n] = targetList.length;
    const targets = Int32Array.from(targetList);
    const index = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const stack = new Int32Array(n);
    let stackSize = 0;
    const workNode = new Int32Array(n);
    const workEdge = new Int32Array(n);
    let depth = 0;
    // Components in the order Tarjan emits them, flattened; `ends` marks where each one stops.
    const emitted = new Int32Array(n);
    let emittedSize = 0;
    const ends: number[] = [];
    let counter = 0;
    for (let start = 0; start < n; start++) {
      if (index[start] !== -1) continue;
      index[start] = low[start] = counter++;
      stack[stackSize++] = start;
      onStack[start] = 1;
      workNode[0] = start;
      workEdge[0] = first[start] as number;
      depth = 1;
      while (depth > 0) {
        const top = depth - 1;
        const v = workNode[top] as number;
        const e = workEdge[top] as number;
        if (e < (first[v + 1] as number)) {
          workEdge[top] = e + 1;
          const w = targets[e] as number;
          if (index[w] === -1) {
            index[w] = low[w] = counter++;
            stack[stackSize++] = w;
            onStack[w] = 1;
            workNode[depth] = w;
            workEdge[depth] = first[w] as number;
            depth += 1;
          } else if (onStack[w] === 1 && (index[w] as number) < (low[v] as number)) low[v] = index[w] as number;
          continue;
        }
        depth -= 1;
        if (top > 0) {
          const parent = workNode[top - 1] as number;
          if ((low[v] as number) < (low[parent] as number)) low[parent] = low[v] as number;
        }
        if (low[v] === index[v]) {
          for (;;) {
            const w = stack[--stackSize] as number;
            onStack[w] = 0;
            emitted[emittedSize++] = w;
            if (w === v) break;
          }
          ends.push(emittedSize);
        }
      }
    }
    const order: string[] = new Array<string>(n);
    const position = new Map<string, number>();
    const cycles: string[][] = [];
    let at = 0;
    for (let c = ends.length - 1; c >= 0; c--) {
      const end = ends[c] as number;
      const begin = c > 0 ? (ends[c - 1] as number) : 0;
      if (end - begin === 1) {
        const v = emitted[begin] as number;
        const key = keys[v] as string;
        order[at] = key;
        position.set(key, at++);
        let selfLoop = false;
        for (let e = first[v] as number; e < (first[v + 1] as number); e++) if (targets[e] === v) selfLoop = true;
        if (selfLoop && !this.cycleTolerant.has(key)) cycles.push([key]);
        continue;
      }
      const component: string[] = [];
      for (let i = end - 1; i >= begin; i--) {
        const key = keys[emitted[i] as number] as string;
        component.push(key);
        order[at] = key;
        position.set(key, at++);
      }
      if (!component.every((k) => this.cycleTolerant.has(k))) cycles.push(component);
    }
    this.order = order;
    this.position = position;
    this.cycles = cycles;
  }
}
