/** Log in with email and password, then go back where the user was headed (`?next=`). */
import { useState } from "react";

import { accounts, isPending, type SignInPending, type User } from "../../api/resources";
import { navigate } from "../../navigation/history";
import { safeNext } from "../../navigation/routes";
import { Link } from "../Link";
import { ErrorNote } from "../Notice";
import { useOperation } from "../useResource";
import { AuthLayout, TextField } from "./AuthLayout";
import { TwoFactorSignIn } from "./TwoFactorSignIn";

export function LoginPage({ next, onSignedIn }: { next: string | null; onSignedIn(user: User): void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const op = useOperation();
  const [pending, setPending] = useState<SignInPending | null>(null);
  const query = next ? `?next=${encodeURIComponent(next)}` : "";
  const finish = (user: User) => {
    onSignedIn(user);
    navigate(safeNext(next), { replace: true });
  };
  if (pending) return <TwoFactorSignIn pending={pending} onSignedIn={finish} />;
  return (
    <AuthLayout
      title="Log in"
      footer={
        <>
          <Link to={`/forgot-password${query}`}>Forgot your password?</Link>
          <span>
            New here? <Link to={`/signup${query}`}>Create an account</Link>
          </span>
        </>
      }
    >
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
        <TextField label="Email" name="email" type="email" value={email} onChange={setEmail} autoComplete="username" autoFocus />
        <TextField label="Password" name="password" type="password" value={password} onChange={setPassword} autoComplete="current-password" />
        <ErrorNote message={op.error} />
        <button type="submit" className="lc-primary" disabled={op.pending}>
          {op.pending ? "Logging in…" : "Log in"}
        </button>
      </form>
    </AuthLayout>
  );
}
