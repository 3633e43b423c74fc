/**
 * The page a signup email links to (`/signup/confirm?token=...`): one button finishes the signup
 * and logs in. A button rather than on load, so a mail scanner that opens links cannot use the
 * single-use link up before its owner does.
 */
import { accounts, type User } from "../../api/resources";
import { navigate } from "../../navigation/history";
import { Link } from "../Link";
import { ErrorNote } from "../Notice";
import { useOperation } from "../useResource";
import { AuthLayout } from "./AuthLayout";

export function ConfirmSignupPage({ token, onSignedIn }: { token: string | null; onSignedIn(user: User): void }) {
  const op = useOperation();
  const footer = <Link to="/signup">Sign up again</Link>;
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
            onSignedIn(await accounts.confirmSignup(token));
            navigate("/", { replace: true });
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
