import { Component, useState, type ReactNode } from "react";

import type { ActionFailure } from "../engine/host";

interface Props {
  readonly name: string;
  readonly children: ReactNode;
  /** The failed actions whose data the widget reads: shown in its place, so that a table whose
   * query failed says so instead of looking empty. */
  readonly failures?: readonly ActionFailure[] | undefined;
  /** Run an action again (the failure's Retry button). */
  readonly onRetry?: ((action: string) => Promise<unknown>) | undefined;
}

/** Keeps one broken widget from taking the page (or the editor's canvas) down: its error shows in
 * its place, named after the widget. A widget whose data failed to load shows that failure. */
export class WidgetBoundary extends Component<Props, { failed: string | null }> {
  override state = { failed: null as string | null };

  static getDerivedStateFromError(error: unknown) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }

  override render() {
    if (this.state.failed !== null) return <div className="lc-widget-error">{`${this.props.name}: ${this.state.failed}`}</div>;
    const failures = this.props.failures ?? [];
    if (failures.length > 0) return <FailedData failures={failures} onRetry={this.props.onRetry} />;
    return this.props.children;
  }
}

function FailedData({ failures, onRetry }: { failures: readonly ActionFailure[]; onRetry: ((action: string) => Promise<unknown>) | undefined }) {
  const [retrying, setRetrying] = useState(false);
  const retry = () => {
    if (!onRetry) return;
    setRetrying(true);
    // The panel goes away when the runs succeed; a run that fails again shows its new message.
    void Promise.allSettled(failures.map((f) => onRetry(f.action))).then(() => setRetrying(false));
  };
  return (
    <div className="lc-widget-failure" role="alert">
      {failures.map((f) => (
        <p key={f.action} className="lc-widget-failure__message">{`Query ${f.action} failed: ${f.message}`}</p>
      ))}
      {onRetry && (
        <button type="button" className="lc-widget-failure__retry" onClick={retry} disabled={retrying}>
          {retrying ? "Retrying…" : "Retry"}
        </button>
      )}
    </div>
  );
}
