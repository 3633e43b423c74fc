/** Publish with an optional message: the message is kept with the version the publish makes. */
import { useState } from "react";

export const MAX_MESSAGE = 500;

export default function PublishDialog({ onPublish, onCancel }: { onPublish(message: string): void; onCancel(): void }) {
  const [message, setMessage] = useState("");
  return (
    <div className="lc-dialog-backdrop" role="presentation" onClick={onCancel}>
      <form
        className="lc-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="lc-publish-title"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === "Escape" && onCancel()}
        onSubmit={(e) => {
          e.preventDefault();
          onPublish(message.trim());
        }}
      >
        <h2 id="lc-publish-title">Publish</h2>
        <p>Viewers see the app as it is now. The version is kept in History.</p>
        <label className="lc-form-field">
          <span>What changed? (optional)</span>
          <textarea name="message" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={MAX_MESSAGE} rows={3} autoFocus />
        </label>
        <div className="lc-dialog__buttons">
          <button type="button" className="lc-secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="lc-primary">
            Publish
          </button>
        </div>
      </form>
    </div>
  );
}
