/** Instance administration: whether everyone, or a workspace's members, must use a second factor.
 * Turning a requirement on ends the sessions of those without one: they set it up at next sign-in. */
import { admin } from "../../api/resources";
import { ErrorNote, Loading } from "../Notice";
import { useOperation, useResource } from "../useResource";

export function TwoFactorPolicySection() {
  const policy = useResource(() => admin.twoFactorPolicy(), []);
  const op = useOperation();
  return (
    <section aria-labelledby="two-factor-policy-title">
      <h2 id="two-factor-policy-title">Two-factor requirement</h2>
      <p className="lc-muted">
        People who must use a second factor and have none are led to set one up at their next sign-in; their current sessions end.
        Set it up for your own account first.
      </p>
      {policy.loading && !policy.data && <Loading what="the requirement" />}
      <ErrorNote message={policy.error?.message} onRetry={policy.reload} />
      {policy.data && (
        <>
          <label className="lc-check">
            <input type="checkbox" name="instance-two-factor" checked={policy.data.required} disabled={op.pending}
              onChange={(e) => void op.run(() => admin.setInstanceTwoFactor(e.target.checked)).then(policy.reload)} />
            Everyone on this instance
          </label>
          <ul className="lc-rows" aria-label="Workspaces requiring two-factor authentication">
            {policy.data.workspaces.map((w) => (
              <li key={w.id} className="lc-row">
                <label className="lc-check">
                  <input type="checkbox" name={`workspace-two-factor-${w.id}`} checked={w.required} disabled={op.pending || policy.data?.required}
                    onChange={(e) => void op.run(() => admin.setWorkspaceTwoFactor(w.id, e.target.checked)).then(policy.reload)} />
                  Members of {w.name}
                </label>
              </li>
            ))}
          </ul>
        </>
      )}
      <ErrorNote message={op.error} />
    </section>
  );
}
