/**
 * Create an account. The instance's first user is in at once (as its administrator) and goes on
 * to `?next=`; anyone else is told to open the link emailed to them, whether or not the email had
 * an account already (the server answers both alike).
 */
import { useState } from "react";

import { accounts, type User } from "../../api/resources";
import { navigate } from "../../navigation/history";
import { safeNext } from "../../navigation/routes";
import { Link } from "../Link";
import { ErrorNote, StatusNote } from "../Notice";
import { useOperation } from "../useResource";
import { AuthLayout, TextField } from "./AuthLayout";

export const MIN_PASSWORD = 8;

export function SignupPage({ next, onSignedIn }: { next: string | null; onSignedIn(user: User): void }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const op = useOperation();
  const query = next ? `?next=${encodeURIComponent(next)}` : "";
  return (
    <AuthLayout
      title="Create your account"
      footer={
        <span>
          Have an account? <Link to={`/login${query}`}>Log in</Link>
        </span>
      }
    >
      {sent !== null ? (
        <StatusNote message={sent} />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void op.run(async () => {
              const outcome = await accounts.signup(name, email, password);
              // A link went out by email (a first user has no second factor to ask for yet).
              if ("status" in outcome) return setSent(outcome.message);
              onSignedIn(outcome);
              navigate(safeNext(next), { replace: true });
            });
          }}
        >
          <TextField label="Name" name="name" value={name} onChange={setName} autoComplete="name" required={false} autoFocus />
          <TextField label="Email" name="email" type="email" value={email} onChange={setEmail} autoComplete="username" />
          <TextField
            label={`Password (at least ${MIN_PASSWORD} characters)`}
            name="password"
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete="new-password"
            minLength={MIN_PASSWORD}
          />
          <ErrorNote message={op.error} />
          <button type="submit" className="lc-primary" disabled={op.pending}>
            {op.pending ? "Creating your account…" : "Sign up"}
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
