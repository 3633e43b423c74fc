/**
 * A page's widgets on the 64-column grid (rows of 10 px), scaled to the available width. Widgets
 * are rendered in reading order (top to bottom, left to right), so on a narrow screen, where the
 * stylesheet drops the grid positions, they stack in that order.
 */
import { memo, Suspense, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from "react";

import type { WidgetNode } from "../engine/page";
import { FormContext, formIsValid, type FormState } from "../widgets/formContext";
import { WIDGETS } from "../widgets/registry";
import { WidgetBoundary } from "../widgets/WidgetBoundary";
import { itemValues, ListItemContext } from "./listItems";
import type { PageStore, WidgetState } from "./pageStore";

export const GRID_COLUMNS = 64;
export const ROW_PX = 10;

/** What widgets ask of the page. Keep these stable (useCallback): every widget holds them. */
export interface PageHandlers {
  /** `item`: inside a list, the item whose copy of the widget the user changed. */
  onMeta(widget: string, changes: Record<string, unknown>, item?: number): void;
  onEvent(widget: string, event: string, extra?: Record<string, unknown>): void | Promise<unknown>;
  /** Reset a widget and the widgets inside it to their defaults (a form's reset). */
  onReset?(widget: string): void;
  /** Run an action again: the Retry of a widget whose data failed to load. */
  onRetry?(action: string): Promise<unknown>;
}

export interface PageViewProps extends PageHandlers {
  readonly dsl: WidgetNode;
  /** The widgets' values; each widget subscribes to its own, so an update re-renders only those it changed. */
  readonly store: PageStore;
}

interface GridProps {
  readonly nodes: readonly WidgetNode[];
  readonly store: PageStore;
  readonly handlers: PageHandlers;
}

const NO_NODES: readonly WidgetNode[] = [];

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Children in reading order. */
export function readingOrder(children: readonly WidgetNode[]): WidgetNode[] {
  return [...children].sort((a, b) => num(a["topRow"]) - num(b["topRow"]) || num(a["leftColumn"]) - num(b["leftColumn"]));
}

/** Rows a container's grid needs to hold its children. */
export function gridRows(children: readonly WidgetNode[]): number {
  return children.reduce((max, c) => (c.type === "MODAL_WIDGET" ? max : Math.max(max, num(c["bottomRow"]))), 0);
}

function placement(node: WidgetNode): React.CSSProperties {
  const left = num(node["leftColumn"]);
  const right = num(node["rightColumn"]) || GRID_COLUMNS;
  const top = num(node["topRow"]);
  const bottom = num(node["bottomRow"]);
  return {
    left: `${(left / GRID_COLUMNS) * 100}%`,
    width: `${((right - left) / GRID_COLUMNS) * 100}%`,
    top: `${top * ROW_PX}px`,
    height: `${Math.max(1, bottom - top) * ROW_PX}px`,
  };
}

const Grid = memo(function Grid({ nodes, store, handlers }: GridProps) {
  const ordered = useMemo(() => readingOrder(nodes), [nodes]);
  return (
    <div className="lc-grid" style={{ minHeight: `${gridRows(nodes) * ROW_PX}px` }}>
      {ordered.map((child) => (
        <WidgetBox key={child.widgetName} node={child} store={store} handlers={handlers} />
      ))}
    </div>
  );
});

/** A widget's state in the store, re-rendering the caller only when that widget's state changes. */
function useWidgetState(store: PageStore, name: string): WidgetState | undefined {
  const subscribe = useCallback((listener: () => void) => store.subscribe(name, listener), [store, name]);
  const get = useCallback(() => store.get(name), [store, name]);
  return useSyncExternalStore(subscribe, get, get);
}

function descendantNames(node: WidgetNode): string[] {
  return (node.children ?? []).flatMap((c) => [c.widgetName, ...descendantNames(c)]);
}

/** A form's fields with its validity, which follows the values of every widget inside it. */
function FormBody({ node, store, handlers, children }: { node: WidgetNode; store: PageStore; handlers: PageHandlers; children: ReactNode }) {
  const names = useMemo(() => descendantNames(node), [node]);
  const subscribe = useCallback(
    (listener: () => void) => {
      const stops = names.map((n) => store.subscribe(n, listener));
      return () => stops.forEach((stop) => stop());
    },
    [store, names],
  );
  const valid = useCallback(() => formIsValid(node, store.widgetValues()), [node, store]);
  const isValid = useSyncExternalStore(subscribe, valid, valid);
  const state = useMemo<FormState>(() => ({ valid: isValid, reset: () => handlers.onReset?.(node.widgetName) }), [isValid, handlers, node]);
  return <FormContext.Provider value={state}>{children}</FormContext.Provider>;
}

const WidgetBox = memo(function WidgetBox({ node, store, handlers }: { node: WidgetNode; store: PageStore; handlers: PageHandlers }) {
  const name = node.widgetName;
  const listItem = useContext(ListItemContext);
  const state = useWidgetState(store, name);
  const onMeta = useCallback((changes: Record<string, unknown>) => handlers.onMeta(name, changes, listItem?.index), [handlers, name, listItem]);
  const onEvent = useCallback(
    (event: string, extra?: Record<string, unknown>) => {
      // An event without a handler on the page (an input's onTextChanged, mostly) would cost a
      // round trip to the engine on every keystroke for nothing. (Dotted names are a table
      // column's handlers, kept inside the column.)
      const handler = node[event];
      if (!event.includes(".") && !(typeof handler === "string" && handler.includes("{{"))) return undefined;
      return handlers.onEvent(name, event, listItem ? { currentItem: listItem.item, currentIndex: listItem.index, ...extra } : extra);
    },
    [handlers, name, node, listItem],
  );
  // Until the engine's first values arrive a widget would render from nothing (a table would
  // size its pages for zero height and report that), so it waits.
  if (state === undefined) return null;
  // Inside a list, a template widget shows the values of the item it is a copy for.
  const values = listItem ? itemValues(state.values, listItem.index) : state.values;
  if (values["isVisible"] === false) return null;
  const Widget = WIDGETS[node.type];
  const children = node.children ?? NO_NODES;
  // Tabs hold one canvas per tab; a list holds one copy of its template per item; every other
  // container lays its children out on its own grid.
  let inner: ReactNode = null;
  if (node.type === "TABS_WIDGET") {
    inner = children.map((canvas) => <Grid key={canvas.widgetId ?? canvas.widgetName} nodes={canvas.children ?? NO_NODES} store={store} handlers={handlers} />);
  } else if (node.type === "LIST_WIDGET_V2") {
    const items = Array.isArray(values["listData"]) ? (values["listData"] as unknown[]) : [];
    inner = items.map((item, index) => (
      <ListItemContext.Provider key={index} value={{ index, item }}>
        <Grid nodes={children} store={store} handlers={handlers} />
      </ListItemContext.Provider>
    ));
  } else if (children.length > 0) inner = <Grid nodes={children} store={store} handlers={handlers} />;
  const problems = Object.entries(state.problems);
  const floating = node.type === "MODAL_WIDGET";
  const body =
    node.type === "FORM_WIDGET" ? (
      <FormBody node={node} store={store} handlers={handlers}>
        {inner}
      </FormBody>
    ) : (
      inner
    );
  return (
    <div className={floating ? "lc-widget lc-widget--floating" : "lc-widget"} style={floating ? undefined : placement(node)} data-widget={name} data-type={node.type}>
      <WidgetBoundary name={name} failures={state.failures} onRetry={handlers.onRetry}>
        <Suspense fallback={<div className="lc-loading" aria-busy="true" />}>
          {Widget ? (
            <Widget name={name} values={values} {...(node.type === "LIST_WIDGET_V2" ? { templateRows: gridRows(children) } : {})} onMeta={onMeta} onEvent={onEvent}>
              {body}
            </Widget>
          ) : (
            <div className="lc-widget-error">{`Unknown widget type ${node.type}`}</div>
          )}
        </Suspense>
      </WidgetBoundary>
      {problems.length > 0 && (
        <span className="lc-widget__problems" role="status" title={problems.map(([k, list]) => `${k}: ${list.map((e) => e.message).join("; ")}`).join("\n")}>
          !
        </span>
      )}
    </div>
  );
});

export function PageView({ dsl, store, onMeta, onEvent, onReset, onRetry }: PageViewProps) {
  const handlers = useMemo<PageHandlers>(() => ({ onMeta, onEvent, onReset, onRetry }), [onMeta, onEvent, onReset, onRetry]);
  return (
    <div className="lc-page">
      <Grid nodes={dsl.children ?? NO_NODES} store={store} handlers={handlers} />
    </div>
  );
}
