/** The page a reset email links to (`/reset-password?token=...`): choose a new password. */
import { useState } from "react";

import { accounts, isPending, type SignInPending, type User } from "../../api/resources";
import { navigate } from "../../navigation/history";
import { Link } from "../Link";
import { ErrorNote } from "../Notice";
import { useOperation } from "../useResource";
import { AuthLayout, TextField } from "./AuthLayout";
import { MIN_PASSWORD } from "./SignupPage";
import { TwoFactorSignIn } from "./TwoFactorSignIn";

export function ResetPasswordPage({ token, onSignedIn }: { token: string | null; onSignedIn(user: User): void }) {
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const op = useOperation();
  const [pending, setPending] = useState<SignInPending | null>(null);
  const finish = (user: User) => {
    onSignedIn(user);
    navigate("/", { replace: true });
  };
  if (pending) return <TwoFactorSignIn pending={pending} onSignedIn={finish} />;
  if (!token) {
    return (
      <AuthLayout title="Choose a new password" footer={<Link to="/forgot-password">Ask for a new link</Link>}>
        <ErrorNote message="This link has no reset token. Open the link from the email again, or ask for a new one." />
      </AuthLayout>
    );
  }
  const mismatch = repeat !== "" && repeat !== password;
  return (
    <AuthLayout title="Choose a new password" footer={<Link to="/forgot-password">Ask for a new link</Link>}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (mismatch) return;
          void op.run(async () => {
            const outcome = await accounts.confirmReset(token, password);
            if (isPending(outcome)) setPending(outcome);
            else finish(outcome);
          });
        }}
      >
        <TextField label="New password" name="password" type="password" value={password} onChange={setPassword} autoComplete="new-password" minLength={MIN_PASSWORD} autoFocus />
        <TextField label="Repeat the new password" name="repeat" type="password" value={repeat} onChange={setRepeat} autoComplete="new-password" />
        <ErrorNote message={mismatch ? "The two passwords differ." : op.error} />
        <button type="submit" className="lc-primary" disabled={op.pending || mismatch}>
          {op.pending ? "Saving…" : "Set password and log in"}
        </button>
      </form>
    </AuthLayout>
  );
}
