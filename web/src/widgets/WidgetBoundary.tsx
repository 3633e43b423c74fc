import { Component, type ReactNode } from "react";

/** Keeps one broken widget from taking the page (or the editor's canvas) down: its error shows in
 * its place, named after the widget. */
export class WidgetBoundary extends Component<{ name: string; children: ReactNode }, { failed: string | null }> {
  override state = { failed: null as string | null };

  static getDerivedStateFromError(error: unknown) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }

  override render() {
    if (this.state.failed !== null) return <div className="lc-widget-error">{`${this.props.name}: ${this.state.failed}`}</div>;
    return this.props.children;
  }
}
