/**
 * The page a signup email links to (`/signup/confirm?token=...`): one button finishes the signup
 * and logs in. A button rather than on load, so a mail scanner that opens links cannot use the
 * single-use link up before its owner does.
 */
import { useState } from "react";

import { accounts, isPending, type SignInPending, type User } from "../../api/resources";
import { navigate } from "../../navigation/history";
import { Link } from "../Link";
import { ErrorNote } from "../Notice";
import { useOperation } from "../useResource";
import { AuthLayout } from "./AuthLayout";
import { TwoFactorSignIn } from "./TwoFactorSignIn";

export function ConfirmSignupPage({ token, onSignedIn }: { token: string | null; onSignedIn(user: User): void }) {
  const op = useOperation();
  const [pending, setPending] = useState<SignInPending | null>(null);
  const footer = <Link to="/signup">Sign up again</Link>;
  const finish = (user: User) => {
    onSignedIn(user);
    navigate("/", { replace: true });
  };
  if (pending) return <TwoFactorSignIn pending={pending} onSignedIn={finish} />;
  if (!token) {
    return (
      <AuthLayout title="Finish signing up" footer={footer}>
        <ErrorNote message="This link has no signup token. Open the link from the email again, or sign up again." />
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Finish signing up" footer={footer}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void op.run(async () => {
            const outcome = await accounts.confirmSignup(token);
            if (isPending(outcome)) setPending(outcome);
            else finish(outcome);
          });
        }}
      >
        <p>Your email is confirmed by this link. Create the account and log in:</p>
        <ErrorNote message={op.error} />
        <button type="submit" className="lc-primary" disabled={op.pending} autoFocus>
          {op.pending ? "Creating your account…" : "Create my account"}
        </button>
      </form>
    </AuthLayout>
  );
}
