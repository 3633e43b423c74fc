/**
 * One widget on a page run by the real engine, for behaviour tests without a browser DOM: the
 * widget's element tree is built by calling its component (and the plain function components
 * inside it), a handler on an element is fired as the browser would, and the meta changes it
 * reports go back to the engine, so a test reads the values bindings would see.
 *
 * Only for widgets whose components use no hooks; the others keep their logic in pure modules.
 */
import { isValidElement, type ComponentType, type ReactElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";

import { Engine } from "../engine/engine";
import { WIDGET_DERIVED } from "../widgets/derived";
import type { WidgetProps } from "../widgets/types";
import { loadManifests } from "./manifests";
import { page, widget } from "./pages";
import { RecordingHost } from "./recordingHost";

const manifests = loadManifests();

type Props = Record<string, unknown>;

export interface FiredEvent {
  readonly event: string;
  readonly extra: Record<string, unknown> | undefined;
}

export class WidgetHarness {
  readonly engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
  readonly events: FiredEvent[] = [];

  constructor(
    private readonly component: ComponentType<WidgetProps>,
    readonly type: string,
    props: Props = {},
    readonly name = "W1",
  ) {
    this.engine.load(page([widget(name, type, props)]));
  }

  /** The widget's values as bindings read them (`W1.isChecked`, `W1.value`, ...). */
  get values(): Record<string, unknown> {
    return this.engine.widgetValues()[this.name] as Record<string, unknown>;
  }

  private props(): WidgetProps {
    return {
      name: this.name,
      values: this.values,
      onMeta: (changes) => {
        this.engine.setMeta(this.name, changes);
      },
      onEvent: (event, extra) => {
        this.events.push({ event, extra });
      },
    };
  }

  /** What the widget shows now, as HTML. */
  html(): string {
    const Component = this.component;
    return renderToString(<Component {...this.props()} />);
  }

  /** Every host element (input, button, ...) the widget renders now, function components expanded. */
  elements(): ReactElement<Props>[] {
    const out: ReactElement<Props>[] = [];
    const walk = (node: ReactNode): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!isValidElement<Props>(node)) return;
      if (typeof node.type === "function") return walk((node.type as (p: Props) => ReactNode)(node.props));
      if (typeof node.type === "string") out.push(node);
      walk(node.props["children"] as ReactNode);
    };
    walk((this.component as (p: WidgetProps) => ReactNode)(this.props()));
    return out;
  }

  /** The first element matching `match`; fails the test when there is none. */
  find(match: (e: ReactElement<Props>) => boolean, what = "element"): ReactElement<Props> {
    const found = this.elements().find(match);
    if (!found) throw new Error(`${this.type}: no ${what} in ${this.html()}`);
    return found;
  }

  /** Calls an element's handler (`onChange`, `onClick`, ...) with an event carrying `target`. */
  fire(element: ReactElement<Props>, handler: string, target: Props = {}, extra: Props = {}): unknown {
    const fn = element.props[handler];
    if (typeof fn !== "function") throw new Error(`${this.type}: <${String(element.type)}> has no ${handler}`);
    const event = { target: { ...element.props, ...target }, currentTarget: { ...element.props, ...target }, preventDefault: () => undefined, stopPropagation: () => undefined, ...extra };
    return (fn as (e: unknown) => unknown)(event);
  }

  eventNames(): string[] {
    return this.events.map((e) => e.event);
  }
}

export const byTag = (tag: string, extra: (p: Props) => boolean = () => true) => (e: ReactElement<Props>): boolean => e.type === tag && extra(e.props);
