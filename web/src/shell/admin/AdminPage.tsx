/** The instance administration page (instance administrators): sign-in security and provisioning,
 * one section per component so more (sign-in providers) sit beside them. */
import { useUser } from "../session";
import { ErrorNote } from "../Notice";
import { GroupMappingsSection } from "./GroupMappingsSection";
import { ScimTokensSection } from "./ScimTokensSection";
import { TwoFactorPolicySection } from "./TwoFactorPolicySection";

export function AdminPage() {
  const user = useUser();
  if (!user.isInstanceAdmin) return <ErrorNote message="Only instance administrators see this page." />;
  return (
    <section className="lc-panel lc-admin" aria-labelledby="admin-title">
      <div className="lc-panel__head">
        <h1 id="admin-title">Instance administration</h1>
      </div>
      <TwoFactorPolicySection />
      <ScimTokensSection />
      <GroupMappingsSection />
    </section>
  );
}
