/** Account settings: two-factor authentication - set it up with a QR code, renew the recovery
 * codes, turn it off (a code or the password is asked for both). */
import { useState } from "react";

import { twoFactor, type TwoFactorEnrolment } from "../api/resources";
import { ErrorNote, Loading } from "./Notice";
import { CodeField, EnrolmentCode, RecoveryCodes } from "./TwoFactorParts";
import { useOperation, useResource } from "./useResource";

export function TwoFactorPanel() {
  const status = useResource(() => twoFactor.status(), []);
  const [enrolment, setEnrolment] = useState<TwoFactorEnrolment | null>(null);
  const [codes, setCodes] = useState<readonly string[] | null>(null);
  const [code, setCode] = useState("");
  const [proof, setProof] = useState("");
  const op = useOperation();
  const done = () => {
    setCodes(null);
    status.reload();
  };
  // Six digits, or a recovery code (four groups of four); anything else is the password.
  const proofBody = () =>
    /^\d{6}$/.test(proof.replace(/\s/g, "")) || /^[a-z2-7]{4}(-?[a-z2-7]{4}){3}$/i.test(proof.trim())
      ? { code: proof.trim() }
      : { password: proof };
  return (
    <section className="lc-panel" aria-labelledby="two-factor-title">
      <div className="lc-panel__head">
        <h1 id="two-factor-title">Two-factor authentication</h1>
      </div>
      <p className="lc-muted">
        After your password, Lowcraft asks for a code from an app on your phone. API tokens are not affected.
      </p>
      {status.loading && !status.data && <Loading what="your settings" />}
      <ErrorNote message={status.error?.message} onRetry={status.reload} />
      {codes && <RecoveryCodes codes={codes} onDone={done} />}
      {status.data && !codes && (
        <>
          <p role="status" data-testid="two-factor-state">
            {status.data.enabled
              ? `On · ${status.data.recoveryCodesLeft} recovery codes left`
              : "Off"}
            {status.data.required ? " · required by your administrator" : ""}
          </p>
          {enrolment ? (
            <form
              aria-label="Set up an authenticator"
              onSubmit={(e) => {
                e.preventDefault();
                void op.run(async () => {
                  setCodes(await twoFactor.confirmEnrolment(code.replace(/\s/g, "")));
                  setEnrolment(null);
                  setCode("");
                });
              }}
            >
              <EnrolmentCode enrolment={enrolment} />
              <CodeField value={code} onChange={setCode} />
              <button type="submit" className="lc-primary" disabled={op.pending}>
                Turn on
              </button>{" "}
              <button type="button" className="lc-link" onClick={() => setEnrolment(null)}>
                Cancel
              </button>
            </form>
          ) : (
            <button type="button" className={status.data.enabled ? "lc-secondary" : "lc-primary"}
              onClick={() => void op.run(async () => setEnrolment(await twoFactor.beginEnrolment()))}>
              {status.data.enabled ? "Move to a new phone" : "Set up two-factor authentication"}
            </button>
          )}
          {status.data.enabled && !enrolment && (
            <form className="lc-inline-form" aria-label="Recovery codes and turning off" onSubmit={(e) => e.preventDefault()}>
              <label className="lc-form-field">
                <span>Code, recovery code or password</span>
                <input name="proof" type="password" value={proof} onChange={(e) => setProof(e.target.value)} autoComplete="current-password" />
              </label>
              <button type="button" disabled={op.pending || !proof}
                onClick={() => void op.run(async () => { setCodes(await twoFactor.renewRecoveryCodes(proofBody())); setProof(""); })}>
                New recovery codes
              </button>
              {!status.data.required && (
                <button type="button" className="lc-danger" disabled={op.pending || !proof}
                  onClick={() => void op.run(async () => { await twoFactor.disable(proofBody()); setProof(""); status.reload(); })}>
                  Turn off
                </button>
              )}
            </form>
          )}
        </>
      )}
      <ErrorNote message={op.error} />
    </section>
  );
}
