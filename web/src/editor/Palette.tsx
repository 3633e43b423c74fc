/** The searchable widget palette, built from the manifests; press and drag a widget onto the canvas (or click to add it). */
import { useMemo, useState } from "react";

import type { WidgetManifest } from "../engine/manifest";

const CATEGORY_ORDER = ["inputs", "data", "display", "layout", "media"];

export default function Palette(props: { manifests: readonly WidgetManifest[]; onStart(type: string, x: number, y: number): void }) {
  const [query, setQuery] = useState("");
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const shown = props.manifests.filter(
      (m) =>
        !m.isInternal &&
        (q === "" ||
          (m.displayName ?? m.type).toLowerCase().includes(q) ||
          ((m as { searchTags?: string[] }).searchTags ?? []).some((t) => t.includes(q))),
    );
    const byCategory = new Map<string, WidgetManifest[]>();
    for (const m of shown) byCategory.set(m.category ?? "other", [...(byCategory.get(m.category ?? "other") ?? []), m]);
    return [...byCategory].sort(([a], [b]) => (CATEGORY_ORDER.indexOf(a) + 99) % 100 - (CATEGORY_ORDER.indexOf(b) + 99) % 100);
  }, [props.manifests, query]);
  return (
    <div className="lc-ed-palette">
      <input type="search" placeholder="Search widgets" aria-label="Search widgets" value={query} onChange={(e) => setQuery(e.target.value)} />
      {groups.map(([category, list]) => (
        <section key={category}>
          <h3>{category}</h3>
          <ul>
            {list.map((m) => (
              <li key={m.type}>
                <button
                  type="button"
                  className="lc-ed-palette__item"
                  data-widget-type={m.type}
                  title={`Drag onto the canvas, or click to add a ${m.displayName ?? m.type}`}
                  onPointerDown={(e) => {
                    if (e.button !== 0) return;
                    e.preventDefault();
                    props.onStart(m.type, e.clientX, e.clientY);
                  }}
                >
                  {m.displayName ?? m.type}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {groups.length === 0 && <p className="lc-ed-muted">No widget matches “{query}”.</p>}
    </div>
  );
}
