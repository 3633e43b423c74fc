/**
 * A modal question with two answers. `useConfirm()` gives a promise-returning `confirm(...)` and the
 * element to render, so callers outside React's tree (the engine's "confirm before running") can
 * wait for the user's answer.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";

export interface ConfirmRequest {
  readonly title: string;
  readonly message: string;
  readonly confirmLabel?: string;
  readonly cancelLabel?: string;
  readonly danger?: boolean;
}

export function ConfirmDialog({ request, onAnswer }: { request: ConfirmRequest; onAnswer(confirmed: boolean): void }) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirmRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onAnswer(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onAnswer]);
  return (
    <div className="lc-dialog-backdrop" role="presentation" onClick={() => onAnswer(false)}>
      <div className="lc-dialog" role="alertdialog" aria-modal="true" aria-labelledby="lc-confirm-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="lc-confirm-title">{request.title}</h2>
        <p>{request.message}</p>
        <div className="lc-dialog__buttons">
          <button type="button" className="lc-secondary" onClick={() => onAnswer(false)}>
            {request.cancelLabel ?? "Cancel"}
          </button>
          <button ref={confirmRef} type="button" className={request.danger ? "lc-danger" : "lc-primary"} onClick={() => onAnswer(true)}>
            {request.confirmLabel ?? "OK"}
          </button>
        </div>
      </div>
    </div>
  );
}

export function useConfirm(): { confirm(request: ConfirmRequest): Promise<boolean>; dialog: ReactNode } {
  const [pending, setPending] = useState<{ request: ConfirmRequest; resolve(answer: boolean): void } | null>(null);
  const confirm = useCallback(
    (request: ConfirmRequest) =>
      new Promise<boolean>((resolve) => {
        setPending((previous) => {
          // A newer question replaces an unanswered one, which counts as declined.
          previous?.resolve(false);
          return { request, resolve };
        });
      }),
    [],
  );
  const answer = useCallback(
    (confirmed: boolean) =>
      setPending((current) => {
        current?.resolve(confirmed);
        return null;
      }),
    [],
  );
  return { confirm, dialog: pending ? <ConfirmDialog request={pending.request} onAnswer={answer} /> : null };
}
