/** Messages from `showAlert` and failed queries, in a corner; each closes itself or by its button. */
import type { AlertStyle } from "../engine/host";

export interface Toast {
  readonly id: number;
  readonly message: string;
  readonly style: AlertStyle;
}

export function Toasts({ toasts, onClose }: { toasts: readonly Toast[]; onClose(id: number): void }) {
  return (
    <div className="lc-toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`lc-toast lc-toast--${t.style}`} role={t.style === "error" ? "alert" : "status"}>
          <span>{t.message}</span>
          <button type="button" className="lc-toast__close" aria-label="Dismiss" onClick={() => onClose(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
