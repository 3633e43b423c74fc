/** Ask for a reset link by email; the answer is the same whether or not the account exists. */
import { useState } from "react";

import { accounts } from "../../api/resources";
import { Link } from "../Link";
import { ErrorNote, StatusNote } from "../Notice";
import { useOperation } from "../useResource";
import { AuthLayout, TextField } from "./AuthLayout";

export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const op = useOperation();
  return (
    <AuthLayout title="Reset your password" footer={<Link to="/login">Back to log in</Link>}>
      {sent !== null ? (
        <StatusNote message={sent} />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void op.run(async () => setSent((await accounts.requestReset(email)).message));
          }}
        >
          <p>Enter your account's email and we will send you a link to choose a new password.</p>
          <TextField label="Email" name="email" type="email" value={email} onChange={setEmail} autoComplete="username" autoFocus />
          <ErrorNote message={op.error} />
          <button type="submit" className="lc-primary" disabled={op.pending}>
            {op.pending ? "Sending…" : "Send reset link"}
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
