/** Instance administration, provisioning: the SCIM tokens and the group -> workspace role mappings. */
import { GroupMappingsSection } from "./GroupMappingsSection";
import { ScimTokensSection } from "./ScimTokensSection";

export function ProvisioningSection() {
  return (
    <>
      <ScimTokensSection />
      <GroupMappingsSection />
    </>
  );
}
