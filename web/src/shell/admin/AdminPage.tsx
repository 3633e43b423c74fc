/**
 * Instance administration: one tab per section. A section is an entry of `ADMIN_SECTIONS` and a
 * component of its own file in this folder, so another area adds its tab here without touching
 * the others.
 */
import type { ComponentType } from "react";

import { Link } from "../Link";
import { ErrorNote } from "../Notice";
import { useUser } from "../session";
import { LibrariesSection } from "./LibrariesSection";
import { SignInSection } from "./SignInSection";
import { ProvisioningSection } from "./ProvisioningSection";
import { TwoFactorPolicySection } from "./TwoFactorPolicySection";

export interface AdminSection {
  readonly key: string;
  readonly label: string;
  readonly component: ComponentType;
}

export const ADMIN_SECTIONS: readonly AdminSection[] = [
  { key: "sign-in", label: "Sign-in", component: SignInSection },
  { key: "js-libraries", label: "JS libraries", component: LibrariesSection },
  { key: "two-factor", label: "Two-factor", component: TwoFactorPolicySection },
  { key: "provisioning", label: "Provisioning", component: ProvisioningSection },
];

export function AdminPage({ section }: { section: string }) {
  const user = useUser();
  if (!user.isInstanceAdmin) return <ErrorNote message="Only instance administrators can open the admin pages." />;
  const current = ADMIN_SECTIONS.find((s) => s.key === section);
  const Body = current?.component;
  return (
    <section className="lc-panel lc-admin" aria-labelledby="admin-title">
      <div className="lc-panel__head">
        <h1 id="admin-title">Instance administration</h1>
      </div>
      <nav className="lc-admin-tabs" aria-label="Admin sections">
        {ADMIN_SECTIONS.map((s) => (
          <Link key={s.key} to={`/admin/${s.key}`} className={s.key === section ? "lc-active" : undefined}>
            {s.label}
          </Link>
        ))}
      </nav>
      {Body ? <Body /> : <ErrorNote message="There is no admin section at this address." />}
    </section>
  );
}
