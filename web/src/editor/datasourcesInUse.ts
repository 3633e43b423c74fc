/** The explorer's datasources: the ones the app's queries use (with how many), then the rest of the workspace's. */
export function datasourcesInUse<D extends { readonly id: string }>(
  datasources: readonly D[],
  actions: readonly { readonly datasourceId: string }[],
): { inUse: { datasource: D; queries: number }[]; others: D[] } {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(a.datasourceId, (counts.get(a.datasourceId) ?? 0) + 1);
  return {
    inUse: datasources.filter((d) => counts.has(d.id)).map((datasource) => ({ datasource, queries: counts.get(datasource.id) ?? 0 })),
    others: datasources.filter((d) => !counts.has(d.id)),
  };
}
