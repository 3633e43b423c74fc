/** Log in with email and password, then go back where the user was headed (`?next=`). */
import { useState } from "react";

import { accounts, type User } from "../../api/resources";
import { navigate } from "../../navigation/history";
import { safeNext } from "../../navigation/routes";
import { Link } from "../Link";
import { ErrorNote } from "../Notice";
import { useOperation } from "../useResource";
import { AuthLayout, TextField } from "./AuthLayout";

export function LoginPage({ next, onSignedIn }: { next: string | null; onSignedIn(user: User): void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const op = useOperation();
  const query = next ? `?next=${encodeURIComponent(next)}` : "";
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
            const user = await accounts.login(email, password);
            onSignedIn(user);
            navigate(safeNext(next), { replace: true });
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
