/** Loading, done and error states, the same on every screen. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="lc-notice" aria-busy="true" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ message, onRetry }: { message: string | null | undefined; onRetry?: () => void }) {
  if (!message) return null;
  return (
    <p className="lc-notice lc-notice--error" role="alert">
      {message}
      {onRetry && (
        <>
          {" "}
          <button type="button" className="lc-link" onClick={onRetry}>
            Try again
          </button>
        </>
      )}
    </p>
  );
}

/** What just happened (a link sent, a change saved); nothing without a message. */
export function StatusNote({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p role="status" className="lc-notice">
      {message}
    </p>
  );
}
