/**
 * Change the password. The server ends every other session of the account; the owner chooses
 * whether personal API tokens end too (scripts depend on them, so they survive a routine change,
 * but a change made because something leaked should take them along).
 */
import { useState } from "react";

import { accounts } from "../api/resources";
import { MIN_PASSWORD } from "./auth/SignupPage";
import { TextField } from "./auth/AuthLayout";
import { ErrorNote, StatusNote } from "./Notice";
import { useOperation } from "./useResource";

export function PasswordPanel() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [revokeTokens, setRevokeTokens] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const op = useOperation();
  const mismatch = repeat !== "" && repeat !== next;
  return (
    <section className="lc-panel" aria-labelledby="password-title">
      <div className="lc-panel__head">
        <h1 id="password-title">Password</h1>
      </div>
      <StatusNote message={done} />
      <form
        className="lc-panel-form"
        aria-label="Change password"
        onSubmit={(e) => {
          e.preventDefault();
          if (mismatch) return;
          void op
            .run(() => accounts.changePassword(current, next, revokeTokens))
            .then((ok) => {
              if (!ok) return;
              setDone(changedMessage(revokeTokens));
              setCurrent("");
              setNext("");
              setRepeat("");
            });
        }}
      >
        <TextField label="Current password" name="current-password" type="password" value={current} onChange={setCurrent} autoComplete="current-password" />
        <TextField label={`New password (at least ${MIN_PASSWORD} characters)`} name="new-password" type="password" value={next} onChange={setNext} autoComplete="new-password" minLength={MIN_PASSWORD} />
        <TextField label="Repeat the new password" name="repeat-password" type="password" value={repeat} onChange={setRepeat} autoComplete="new-password" />
        <label className="lc-form-field lc-form-field--check">
          <input type="checkbox" name="revoke-api-tokens" checked={revokeTokens} onChange={(e) => setRevokeTokens(e.target.checked)} />
          <span>Also revoke my API tokens (scripts using them stop working)</span>
        </label>
        <ErrorNote message={mismatch ? "The two passwords differ." : op.error} />
        <button type="submit" className="lc-primary" disabled={op.pending || mismatch}>
          {op.pending ? "Saving…" : "Change password"}
        </button>
      </form>
    </section>
  );
}

export function changedMessage(revokedTokens: boolean): string {
  return `Password changed. You are logged out everywhere else${revokedTokens ? ", and your API tokens are revoked" : ""}.`;
}
