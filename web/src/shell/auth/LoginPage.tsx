/**
 * Log in with a sign-in provider or with email and password, then go back where the user was
 * headed (`?next=`). A refused provider sign-in comes back here with `?error=<code>`.
 *
 * With password login turned off, the password form is folded away behind "Administrator
 * password login": instance administrators keep it (the break-glass path, docs/sign-in.md).
 */
import { useState } from "react";

import { accounts, isPending, signIn, type SignInPending, type User } from "../../api/resources";
import { navigate } from "../../navigation/history";
import { safeNext } from "../../navigation/routes";
import { Link } from "../Link";
import { ErrorNote } from "../Notice";
import { useOperation, useResource } from "../useResource";
import { AuthLayout, TextField } from "./AuthLayout";
import { signInErrorMessage } from "./signInErrors";
import { TwoFactorSignIn } from "./TwoFactorSignIn";

export function LoginPage({ next, error, onSignedIn }: { next: string | null; error: string | null; onSignedIn(user: User): void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [breakGlass, setBreakGlass] = useState(false);
  const options = useResource(() => signIn.options(), []);
  const op = useOperation();
  // A provider sign-in that needs a second factor comes back as /login?step=two_factor, with the
  // pending sign-in in its cookie.
  const [pending, setPending] = useState<SignInPending | null>(pendingFromAddress);
  const query = next ? `?next=${encodeURIComponent(next)}` : "";
  const providers = options.data?.providers ?? [];
  const passwordLogin = options.data?.passwordLogin ?? true;
  const showPassword = passwordLogin || breakGlass;
  const finish = (user: User) => {
    onSignedIn(user);
    navigate(safeNext(next), { replace: true });
  };
  if (pending) return <TwoFactorSignIn pending={pending} onSignedIn={finish} />;
  return (
    <AuthLayout
      title="Log in"
      footer={
        passwordLogin ? (
          <>
            <Link to={`/forgot-password${query}`}>Forgot your password?</Link>
            <span>
              New here? <Link to={`/signup${query}`}>Create an account</Link>
            </span>
          </>
        ) : undefined
      }
    >
      <ErrorNote message={signInErrorMessage(error)} />
      {providers.length > 0 && (
        <nav className="lc-providers" aria-label="Sign-in providers">
          {providers.map((p) => (
            <a key={p.slug} className="lc-secondary lc-provider" data-provider={p.slug} href={signIn.startUrl(p.slug, safeNext(next))}>
              Continue with {p.name}
            </a>
          ))}
        </nav>
      )}
      {providers.length > 0 && showPassword && <p className="lc-muted lc-or">or</p>}
      {showPassword ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void op.run(async () => {
              const outcome = await accounts.login(email, password);
              if (isPending(outcome)) setPending(outcome);
              else finish(outcome);
            });
          }}
        >
          <TextField label="Email" name="email" type="email" value={email} onChange={setEmail} autoComplete="username" autoFocus={providers.length === 0} />
          <TextField label="Password" name="password" type="password" value={password} onChange={setPassword} autoComplete="current-password" />
          <ErrorNote message={op.error} />
          <button type="submit" className="lc-primary" disabled={op.pending}>
            {op.pending ? "Logging in…" : "Log in"}
          </button>
        </form>
      ) : (
        options.data && (
          <button type="button" className="lc-link" onClick={() => setBreakGlass(true)}>
            Administrator password login
          </button>
        )
      )}
    </AuthLayout>
  );
}

function pendingFromAddress(): SignInPending | null {
  const step = typeof window === "undefined" ? null : new URLSearchParams(window.location.search).get("step");
  if (step === "two_factor") return { status: step, message: "Enter the code from your authenticator app." };
  if (step === "two_factor_enrolment") return { status: step, message: "Your administrator requires two-factor authentication: set it up to continue." };
  return null;
}
