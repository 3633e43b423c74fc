/** A modal that asks for one line of text (a new name), with the same promise shape as useConfirm. */
import { useCallback, useState, type ReactNode } from "react";

export interface PromptRequest {
  readonly title: string;
  readonly label: string;
  readonly initial?: string;
  readonly submitLabel?: string;
}

function PromptDialog({ request, onAnswer }: { request: PromptRequest; onAnswer(value: string | null): void }) {
  const [value, setValue] = useState(request.initial ?? "");
  return (
    <div className="lc-dialog-backdrop" role="presentation" onClick={() => onAnswer(null)}>
      <form
        className="lc-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="lc-prompt-title"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === "Escape" && onAnswer(null)}
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim() !== "") onAnswer(value.trim());
        }}
      >
        <h2 id="lc-prompt-title">{request.title}</h2>
        <label className="lc-form-field">
          <span>{request.label}</span>
          <input value={value} onChange={(e) => setValue(e.target.value)} autoFocus required maxLength={200} />
        </label>
        <div className="lc-dialog__buttons">
          <button type="button" className="lc-secondary" onClick={() => onAnswer(null)}>
            Cancel
          </button>
          <button type="submit" className="lc-primary" disabled={value.trim() === ""}>
            {request.submitLabel ?? "Save"}
          </button>
        </div>
      </form>
    </div>
  );
}

export function usePrompt(): { prompt(request: PromptRequest): Promise<string | null>; dialog: ReactNode } {
  const [pending, setPending] = useState<{ request: PromptRequest; resolve(value: string | null): void } | null>(null);
  const prompt = useCallback(
    (request: PromptRequest) =>
      new Promise<string | null>((resolve) => {
        setPending((previous) => {
          previous?.resolve(null);
          return { request, resolve };
        });
      }),
    [],
  );
  const answer = useCallback(
    (value: string | null) =>
      setPending((current) => {
        current?.resolve(value);
        return null;
      }),
    [],
  );
  return { prompt, dialog: pending ? <PromptDialog request={pending.request} onAnswer={answer} /> : null };
}
