/** Small page documents for engine tests. */
import type { ActionDefinition, JsObjectDefinition, PageDefinition, WidgetNode } from "../engine/page";

export function widget(widgetName: string, type: string, props: Record<string, unknown> = {}, children?: WidgetNode[]): WidgetNode {
  return { widgetName, type, leftColumn: 0, rightColumn: 10, topRow: 0, bottomRow: 5, ...props, ...(children ? { children } : {}) };
}

export function page(
  widgets: WidgetNode[],
  actions: ActionDefinition[] = [],
  jsObjects: JsObjectDefinition[] = [],
): PageDefinition {
  return { dsl: widget("MainContainer", "CANVAS_WIDGET", {}, widgets), actions, jsObjects };
}
