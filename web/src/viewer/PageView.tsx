/**
 * A page's widgets on the 64-column grid (rows of 10 px), scaled to the available width. Widgets
 * are rendered in reading order (top to bottom, left to right), so on a narrow screen, where the
 * stylesheet drops the grid positions, they stack in that order.
 */
import { Suspense, useContext, type ReactNode } from "react";

import type { EvaluationError } from "../engine/host";
import type { WidgetNode } from "../engine/page";
import { FormContext, formIsValid } from "../widgets/formContext";
import { WIDGETS } from "../widgets/registry";
import { WidgetBoundary } from "../widgets/WidgetBoundary";
import { itemValues, ListItemContext } from "./listItems";

export const GRID_COLUMNS = 64;
export const ROW_PX = 10;

export interface PageViewProps {
  readonly dsl: WidgetNode;
  readonly widgets: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly errors: Readonly<Record<string, readonly EvaluationError[]>>;
  /** `item`: inside a list, the item whose copy of the widget the user changed. */
  onMeta(widget: string, changes: Record<string, unknown>, item?: number): void;
  onEvent(widget: string, event: string, extra?: Record<string, unknown>): void;
  /** Reset a widget and the widgets inside it to their defaults (a form's reset). */
  onReset?(widget: string): void;
}

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

function Grid(props: PageViewProps & { nodes: readonly WidgetNode[] }) {
  return (
    <div className="lc-grid" style={{ minHeight: `${gridRows(props.nodes) * ROW_PX}px` }}>
      {readingOrder(props.nodes).map((child) => (
        <WidgetBox key={child.widgetName} {...props} node={child} />
      ))}
    </div>
  );
}

function WidgetBox(props: PageViewProps & { node: WidgetNode }) {
  const { node, widgets, errors } = props;
  const listItem = useContext(ListItemContext);
  const own = widgets[node.widgetName];
  // Until the engine's first values arrive a widget would render from nothing (a table would
  // size its pages for zero height and report that), so it waits.
  if (own === undefined) return null;
  // Inside a list, a template widget shows the values of the item it is a copy for.
  const values = listItem ? itemValues(own, listItem.index) : own;
  if (values["isVisible"] === false) return null;
  const Widget = WIDGETS[node.type];
  const children = node.children ?? [];
  // Tabs hold one canvas per tab; a list holds one copy of its template per item; every other
  // container lays its children out on its own grid.
  let inner: ReactNode = null;
  if (node.type === "TABS_WIDGET") inner = children.map((canvas) => <Grid key={canvas.widgetId ?? canvas.widgetName} {...props} nodes={canvas.children ?? []} />);
  else if (node.type === "LIST_WIDGET_V2") {
    const items = Array.isArray(values["listData"]) ? (values["listData"] as unknown[]) : [];
    inner = items.map((item, index) => (
      <ListItemContext.Provider key={index} value={{ index, item }}>
        <Grid {...props} nodes={children} />
      </ListItemContext.Provider>
    ));
  } else if (children.length > 0) inner = <Grid {...props} nodes={children} />;
  const problems = Object.entries(errors).filter(([k, list]) => k.startsWith(`${node.widgetName}.`) && list.length > 0);
  const floating = node.type === "MODAL_WIDGET";
  const body =
    node.type === "FORM_WIDGET" ? (
      <FormContext.Provider value={{ valid: formIsValid(node, widgets), reset: () => props.onReset?.(node.widgetName) }}>{inner}</FormContext.Provider>
    ) : (
      inner
    );
  return (
    <div className={floating ? "lc-widget lc-widget--floating" : "lc-widget"} style={floating ? undefined : placement(node)} data-widget={node.widgetName} data-type={node.type}>
      <WidgetBoundary name={node.widgetName}>
        <Suspense fallback={<div className="lc-loading" aria-busy="true" />}>
          {Widget ? (
            <Widget
              name={node.widgetName}
              values={values}
              {...(node.type === "LIST_WIDGET_V2" ? { templateRows: gridRows(children) } : {})}
              onMeta={(changes) => props.onMeta(node.widgetName, changes, listItem?.index)}
              onEvent={(event, extra) =>
                props.onEvent(node.widgetName, event, listItem ? { currentItem: listItem.item, currentIndex: listItem.index, ...extra } : extra)
              }
            >
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
}

export function PageView(props: PageViewProps) {
  return (
    <div className="lc-page">
      <Grid {...props} nodes={props.dsl.children ?? []} />
    </div>
  );
}
