/**
 * The second step of signing in, after the password (or a reset or signup link) was right: enter
 * a code or a recovery code, or - when an administrator requires a second factor and the account
 * has none - set one up first. Until this step is done there is no session.
 */
import { useEffect, useState } from "react";

import { twoFactor, type SignInPending, type TwoFactorEnrolment, type User } from "../../api/resources";
import { ErrorNote, Loading } from "../Notice";
import { CodeField, EnrolmentCode, RecoveryCodes } from "../TwoFactorParts";
import { useOperation } from "../useResource";
import { AuthLayout, TextField } from "./AuthLayout";

export function TwoFactorSignIn({ pending, onSignedIn }: { pending: SignInPending; onSignedIn(user: User): void }) {
  return pending.status === "two_factor" ? <CodeStep onSignedIn={onSignedIn} /> : <EnrolStep message={pending.message} onSignedIn={onSignedIn} />;
}

function CodeStep({ onSignedIn }: { onSignedIn(user: User): void }) {
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState(false);
  const op = useOperation();
  return (
    <AuthLayout title="Two-factor authentication">
      <form
        aria-label="Second factor"
        onSubmit={(e) => {
          e.preventDefault();
          void op.run(async () => onSignedIn(await twoFactor.submit(recovery ? { recoveryCode: code } : { code: code.replace(/\s/g, "") })));
        }}
      >
        {recovery ? (
          <TextField label="Recovery code" name="recovery-code" value={code} onChange={setCode} autoComplete="off" autoFocus />
        ) : (
          <CodeField value={code} onChange={setCode} />
        )}
        <ErrorNote message={op.error} />
        <button type="submit" className="lc-primary" disabled={op.pending}>
          {op.pending ? "Checking…" : "Continue"}
        </button>
      </form>
      <button
        type="button"
        className="lc-link"
        onClick={() => {
          setRecovery(!recovery);
          setCode("");
          op.clear();
        }}
      >
        {recovery ? "Use a code from the app instead" : "Lost your phone? Use a recovery code"}
      </button>
    </AuthLayout>
  );
}

function EnrolStep({ message, onSignedIn }: { message: string; onSignedIn(user: User): void }) {
  const [enrolment, setEnrolment] = useState<TwoFactorEnrolment | null>(null);
  const [code, setCode] = useState("");
  const [done, setDone] = useState<{ user: User; codes: readonly string[] } | null>(null);
  const start = useOperation();
  const confirm = useOperation();
  useEffect(() => {
    void start.run(async () => setEnrolment(await twoFactor.beginPendingEnrolment()));
  }, [start.run]);
  if (done) {
    return (
      <AuthLayout title="Two-factor authentication is on">
        <RecoveryCodes codes={done.codes} onDone={() => onSignedIn(done.user)} doneLabel="Continue" />
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Set up two-factor authentication">
      <p>{message}</p>
      <ErrorNote message={start.error} />
      {!enrolment && !start.error && <Loading what="your new key" />}
      {enrolment && (
        <form
          aria-label="Set up two-factor authentication"
          onSubmit={(e) => {
            e.preventDefault();
            void confirm.run(async () => {
              const result = await twoFactor.confirmPendingEnrolment(code.replace(/\s/g, ""));
              setDone({ user: result.user, codes: result.recoveryCodes });
            });
          }}
        >
          <EnrolmentCode enrolment={enrolment} />
          <CodeField value={code} onChange={setCode} />
          <ErrorNote message={confirm.error} />
          <button type="submit" className="lc-primary" disabled={confirm.pending}>
            Turn on
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
