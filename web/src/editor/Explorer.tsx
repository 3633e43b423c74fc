/**
 * The explorer: pages (add, rename, reorder, clone, delete, default, hide), the page's widgets as
 * a tree, its queries and JS objects, the app's JS libraries, and the datasources (those the app's queries use first). Renames go to the server's
 * refactor so references follow.
 */
import { useState } from "react";

import type { PageSummary } from "../api/resources";
import { datasourcesInUse } from "./datasourcesInUse";
import type { ActionRecord, DatasourceRecord, JsObjectRecord } from "./editorApi";
import { LibrariesSection } from "./LibrariesSection";
import { childrenOf, idOf, type Widget } from "./tree";
import type { JsLibraries } from "./useJsLibraries";

export interface ExplorerProps {
  readonly pages: readonly PageSummary[];
  readonly pageId: string;
  readonly tree: Widget;
  readonly selected: readonly string[];
  readonly actions: readonly ActionRecord[];
  readonly jsObjects: readonly JsObjectRecord[];
  readonly datasources: readonly DatasourceRecord[];
  /** Every query of the app (all pages), to tell which datasources are in use. */
  readonly appActions: readonly ActionRecord[];
  readonly focus: string;
  /** The app's JS libraries, app-wide. */
  readonly libraries?: JsLibraries;
  onOpenPage(id: string): void;
  onAddPage(): void;
  onRenamePage(id: string, name: string): void;
  onDeletePage(id: string): void;
  onClonePage(id: string): void;
  onDefaultPage(id: string): void;
  onHidePage(id: string, hidden: boolean): void;
  onMovePage(id: string, delta: number): void;
  onSelectWidget(id: string): void;
  onRenameWidget(id: string, name: string): void;
  onDeleteWidget(id: string): void;
  onOpenQuery(id: string): void;
  onAddQuery(): void;
  onOpenJs(id: string): void;
  onAddJs(): void;
  onOpenDatasource(id: string): void;
  onAddDatasource(): void;
}

function Renamable(props: { name: string; label: string; onRename(name: string): void; onOpen(): void; active: boolean }) {
  const [editing, setEditing] = useState<string | null>(null);
  if (editing !== null) {
    return (
      <input
        autoFocus
        aria-label={`New name for ${props.label}`}
        value={editing}
        onChange={(e) => setEditing(e.target.value)}
        onBlur={() => {
          if (editing.trim() && editing !== props.name) props.onRename(editing.trim());
          setEditing(null);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
          if (e.key === "Escape") setEditing(null);
        }}
      />
    );
  }
  return (
    <button type="button" className={`lc-ed-tree__item${props.active ? " lc-ed-tree__item--active" : ""}`} onClick={props.onOpen} onDoubleClick={() => setEditing(props.name)} title="Double-click to rename">
      {props.name}
    </button>
  );
}

export default function Explorer(props: ExplorerProps) {
  const used = datasourcesInUse(props.datasources, props.appActions);
  const renderWidgets = (nodes: readonly Widget[], depth: number) => (
    <ul className="lc-ed-tree">
      {nodes.map((w) => (
        <li key={idOf(w)} style={{ paddingLeft: `${depth * 10}px` }} data-explorer-widget={w.widgetName}>
          <Renamable
            name={w.widgetName}
            label={w.widgetName}
            active={props.selected.includes(idOf(w))}
            onOpen={() => props.onSelectWidget(idOf(w))}
            onRename={(n) => props.onRenameWidget(idOf(w), n)}
          />
          {w.type !== "CANVAS_WIDGET" && (
            <button type="button" className="lc-ed-icon" aria-label={`Delete ${w.widgetName}`} onClick={() => props.onDeleteWidget(idOf(w))}>
              ×
            </button>
          )}
          {childrenOf(w).length > 0 && renderWidgets(childrenOf(w), depth + 1)}
        </li>
      ))}
    </ul>
  );
  return (
    <nav className="lc-ed-explorer" aria-label="Explorer">
      <section>
        <h3>
          Pages{" "}
          <button type="button" className="lc-ed-icon" aria-label="Add page" onClick={props.onAddPage}>
            +
          </button>
        </h3>
        <ul className="lc-ed-tree">
          {props.pages.map((p, i) => (
            <li key={p.id} data-explorer-page={p.name}>
              <Renamable name={p.name} label={`page ${p.name}`} active={p.id === props.pageId} onOpen={() => props.onOpenPage(p.id)} onRename={(n) => props.onRenamePage(p.id, n)} />
              {p.isDefault && <span className="lc-ed-badge">home</span>}
              {p.hidden && <span className="lc-ed-badge">hidden</span>}
              <details className="lc-ed-menu">
                <summary aria-label={`Page ${p.name} options`}>⋯</summary>
                {/* A command closes the menu it came from. */}
                <div onClick={(e) => ((e.currentTarget.parentElement as HTMLDetailsElement).open = false)}>
                  {!p.isDefault && (
                    <button type="button" onClick={() => props.onDefaultPage(p.id)}>
                      Set as home page
                    </button>
                  )}
                  <button type="button" onClick={() => props.onClonePage(p.id)}>
                    Clone
                  </button>
                  <button type="button" onClick={() => props.onHidePage(p.id, !p.hidden)}>
                    {p.hidden ? "Show in navigation" : "Hide from navigation"}
                  </button>
                  {i > 0 && (
                    <button type="button" onClick={() => props.onMovePage(p.id, -1)}>
                      Move up
                    </button>
                  )}
                  {i < props.pages.length - 1 && (
                    <button type="button" onClick={() => props.onMovePage(p.id, 1)}>
                      Move down
                    </button>
                  )}
                  {props.pages.length > 1 && (
                    <button type="button" onClick={() => window.confirm(`Delete page ${p.name}?`) && props.onDeletePage(p.id)}>
                      Delete
                    </button>
                  )}
                </div>
              </details>
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h3>Widgets</h3>
        {childrenOf(props.tree).length === 0 ? <p className="lc-ed-muted">Drag widgets onto the canvas.</p> : renderWidgets(childrenOf(props.tree), 0)}
      </section>
      <section>
        <h3>
          Queries{" "}
          <button type="button" className="lc-ed-icon" aria-label="Add query" onClick={props.onAddQuery}>
            +
          </button>
        </h3>
        <ul className="lc-ed-tree">
          {props.actions.map((a) => (
            <li key={a.id} data-explorer-query={a.name}>
              <button type="button" className={`lc-ed-tree__item${props.focus === `query:${a.id}` ? " lc-ed-tree__item--active" : ""}`} onClick={() => props.onOpenQuery(a.id)}>
                {a.name}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h3>
          JS objects{" "}
          <button type="button" className="lc-ed-icon" aria-label="Add JS object" onClick={props.onAddJs}>
            +
          </button>
        </h3>
        <ul className="lc-ed-tree">
          {props.jsObjects.map((j) => (
            <li key={j.id}>
              <button type="button" className={`lc-ed-tree__item${props.focus === `js:${j.id}` ? " lc-ed-tree__item--active" : ""}`} onClick={() => props.onOpenJs(j.id)}>
                {j.name}
              </button>
            </li>
          ))}
        </ul>
      </section>
      {props.libraries && <LibrariesSection libraries={props.libraries} />}
      <section>
        <h3>
          Datasources{" "}
          <button type="button" className="lc-ed-icon" aria-label="Add datasource" onClick={props.onAddDatasource}>
            +
          </button>
        </h3>
        <h4 className="lc-ed-explorer__sub">In use in this app</h4>
        {used.inUse.length === 0 && <p className="lc-ed-muted">No query uses a datasource yet.</p>}
        <ul className="lc-ed-tree" aria-label="Datasources in use">
          {used.inUse.map(({ datasource: d, queries }) => (
            <li key={d.id} data-explorer-datasource={d.name} data-in-use="true">
              <span className="lc-ed-dot" aria-hidden="true" />
              <button type="button" className="lc-ed-tree__item" onClick={() => props.onOpenDatasource(d.id)}>
                {d.name}
              </button>
              <span className="lc-ed-badge" title="Queries of this app using it">
                {queries} {queries === 1 ? "query" : "queries"}
              </span>
            </li>
          ))}
        </ul>
        {used.others.length > 0 && (
          <>
            <h4 className="lc-ed-explorer__sub">Other datasources in the workspace</h4>
            <ul className="lc-ed-tree" aria-label="Other datasources">
              {used.others.map((d) => (
                <li key={d.id} data-explorer-datasource={d.name} data-in-use="false">
                  <button type="button" className="lc-ed-tree__item" onClick={() => props.onOpenDatasource(d.id)}>
                    {d.name}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </nav>
  );
}
