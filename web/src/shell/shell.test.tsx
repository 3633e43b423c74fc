import { renderToString } from "react-dom/server";
import { describe, expect, test } from "vitest";

import { exportFileName, roleLabel, type User, type Workspace } from "../api/resources";
import { AdminPage } from "./admin/AdminPage";
import { ApplicationsPanel, canDevelop, readExportFile } from "./ApplicationsPanel";
import { ConfirmSignupPage } from "./auth/ConfirmSignupPage";
import { LoginPage } from "./auth/LoginPage";
import { MembersPanel } from "./MembersPanel";
import { changedMessage, PasswordPanel } from "./PasswordPanel";
import { PrivateNetworksSetting } from "./PrivateNetworksSetting";
import { ResetPasswordPage } from "./auth/ResetPasswordPage";
import { TwoFactorSignIn } from "./auth/TwoFactorSignIn";
import { SessionContext } from "./session";
import { RecoveryCodes } from "./TwoFactorParts";
import { WorkspaceLayout } from "./WorkspaceLayout";

const file = (text: string) => ({ text: async () => text });
const user: User = { id: "u1", email: "ada@example.com", name: "Ada", isInstanceAdmin: true, createdAt: null };
const workspace = (role: Workspace["role"]): Workspace => ({ id: "w1", name: "Ada's apps", role, createdAt: "2026-01-01T00:00:00+00:00", requireTwoFactor: false });

describe("importing and exporting applications", () => {
  test("an export file is read as the document to import", async () => {
    await expect(readExportFile(file('{"format": "lowcraft-app", "pages": []}'))).resolves.toEqual({ format: "lowcraft-app", pages: [] });
  });

  test("a file that is not an export is refused with a message that says why", async () => {
    await expect(readExportFile(file("name,amount"))).rejects.toThrow("not JSON");
    await expect(readExportFile(file("[1, 2]"))).rejects.toThrow("not a Lowcraft application export");
    await expect(readExportFile(file('{"hello": 1}'))).rejects.toThrow("not a Lowcraft application export");
  });

  test("an export is saved under the app's name, made safe for a file system", () => {
    expect(exportFileName("Orders admin")).toBe("Orders-admin.lowcraft.json");
    expect(exportFileName("../../etc/passwd")).toBe("..-..-etc-passwd.lowcraft.json");
    expect(exportFileName("   ")).toBe("application.lowcraft.json");
  });
});

describe("roles", () => {
  test("administrators and developers build apps; app viewers only open them", () => {
    expect(canDevelop(workspace("administrator"))).toBe(true);
    expect(canDevelop(workspace("developer"))).toBe(true);
    expect(canDevelop(workspace("viewer"))).toBe(false);
    expect(roleLabel("viewer")).toBe("App Viewer");
  });

  test("an app viewer is not offered creating or importing applications", () => {
    const asViewer = renderToString(<ApplicationsPanel workspace={workspace("viewer")} />);
    const asDeveloper = renderToString(<ApplicationsPanel workspace={workspace("developer")} />);
    expect(asViewer).not.toContain("New application");
    expect(asDeveloper).toContain("New application");
    expect(asDeveloper).toContain("Import");
    expect(asDeveloper).toMatch(/Loading (<!-- -->)?applications/);
  });
});

describe("screens", () => {
  test("the workspace frame shows the switcher, the sections and the user", () => {
    const html = renderToString(
      <SessionContext.Provider value={user}>
        <WorkspaceLayout workspaces={[workspace("administrator")]} current={workspace("administrator")} section="members" onCreateWorkspace={() => undefined}>
          <p>panel</p>
        </WorkspaceLayout>
      </SessionContext.Provider>,
    );
    expect(html).toContain("Ada&#x27;s apps");
    expect(html).toContain("Administrator");
    expect(html).toMatch(/href="\/workspaces\/w1\/members" class="lc-active"/);
    expect(html).toContain("Log out");
    expect(html).toContain("panel");
  });

  test("the login page keeps where the user was going for the signup and reset links", () => {
    const html = renderToString(<LoginPage next="/app/orders" error={null} onSignedIn={() => undefined} />);
    expect(html).toContain('href="/signup?next=%2Fapp%2Forders"');
    expect(html).toContain('href="/forgot-password?next=%2Fapp%2Forders"');
  });

  test("a refused provider sign-in is explained from its code, not from the address", () => {
    const html = renderToString(<LoginPage next={null} error="sign_in_email_not_verified" onSignedIn={() => undefined} />);
    expect(html).toContain("has not verified your email address");
  });

  test("the admin page has a tab per section; only instance administrators may open it", () => {
    const admin = (who: User) =>
      renderToString(
        <SessionContext.Provider value={who}>
          <AdminPage section="sign-in" />
        </SessionContext.Provider>,
      );
    expect(admin(user)).toMatch(/href="\/admin\/sign-in" class="lc-active"/);
    expect(admin({ ...user, isInstanceAdmin: false })).toContain("Only instance administrators");
  });

  test("the account menu links the linked accounts, and the admin page for instance administrators", () => {
    const frame = (who: User) =>
      renderToString(
        <SessionContext.Provider value={who}>
          <WorkspaceLayout workspaces={[]} current={undefined} section="identities" onCreateWorkspace={() => undefined}>
            <p>panel</p>
          </WorkspaceLayout>
        </SessionContext.Provider>,
      );
    expect(frame(user)).toMatch(/href="\/settings\/identities" class="lc-active"/);
    expect(frame(user)).toContain('href="/admin"');
    expect(frame({ ...user, isInstanceAdmin: false })).not.toContain('href="/admin"');
  });

  test("a signup link asks for a click before it is used, and without its token says what to do", () => {
    const html = renderToString(<ConfirmSignupPage token="t0k3n" onSignedIn={() => undefined} />);
    expect(html).toContain("Create my account");
    expect(html).toContain('type="submit"');
    expect(renderToString(<ConfirmSignupPage token={null} onSignedIn={() => undefined} />)).toContain("has no signup token");
  });

  test("changing the password offers to revoke the API tokens, off by default, and says what ended", () => {
    const html = renderToString(<PasswordPanel />);
    expect(html).toContain("Current password");
    expect(html).toMatch(/<input type="checkbox" name="revoke-api-tokens"(?![^>]*checked)/);
    expect(html).toContain("Also revoke my API tokens");
    expect(changedMessage(false)).toBe("Password changed. You are logged out everywhere else.");
    expect(changedMessage(true)).toContain("your API tokens are revoked");
  });

  test("only instance administrators are offered a workspace's private-network access", () => {
    const members = (who: User) =>
      renderToString(
        <SessionContext.Provider value={who}>
          <MembersPanel workspace={workspace("administrator")} />
        </SessionContext.Provider>,
      );
    expect(members(user)).toContain("Datasources may reach private networks");
    expect(members({ ...user, isInstanceAdmin: false })).not.toContain("Private networks");
  });

  test("only instance administrators see the Admin link", () => {
    const frame = (who: User) =>
      renderToString(
        <SessionContext.Provider value={who}>
          <WorkspaceLayout workspaces={[]} current={undefined} section="tokens" onCreateWorkspace={() => undefined}>
            <p>body</p>
          </WorkspaceLayout>
        </SessionContext.Provider>,
      );
    expect(frame(user)).toContain('href="/admin"');
    expect(frame({ ...user, isInstanceAdmin: false })).not.toContain('href="/admin"');
  });

  test("the private-network choice shows what the workspace has: allowed, refused or the instance default", () => {
    const selected = (privateNetworks: boolean | null) =>
      renderToString(<PrivateNetworksSetting workspace={{ ...workspace("administrator"), privateNetworks }} />).match(/<option value="(\w+)" selected="">/)?.[1];
    expect(selected(true)).toBe("allowed");
    expect(selected(false)).toBe("refused");
    expect(selected(null)).toBe("default");
  });

  test("a reset link without its token says what to do", () => {
    expect(renderToString(<ResetPasswordPage token={null} onSignedIn={() => undefined} />)).toContain("has no reset token");
  });
});

describe("two-factor authentication", () => {
  test("a pending sign-in asks for a code, with a way to use a recovery code", () => {
    const html = renderToString(<TwoFactorSignIn pending={{ status: "two_factor", message: "Enter the code." }} onSignedIn={() => undefined} />);
    expect(html).toContain("Two-factor authentication");
    expect(html).toContain('autoComplete="one-time-code"');
    expect(html).toContain("Use a recovery code");
  });

  test("a sign-in that must set up a second factor says why before anything else", () => {
    const html = renderToString(
      <TwoFactorSignIn pending={{ status: "two_factor_enrolment", message: "Your administrator requires it." }} onSignedIn={() => undefined} />,
    );
    expect(html).toContain("Set up two-factor authentication");
    expect(html).toContain("Your administrator requires it.");
  });

  test("recovery codes are listed once, with a way to copy them", () => {
    const html = renderToString(<RecoveryCodes codes={["abcd-efgh-ijkl-mnop", "qrst-uvwx-yz23-4567"]} onDone={() => undefined} />);
    expect(html).toContain("abcd-efgh-ijkl-mnop");
    expect(html).toContain("shown only once");
  });

  test("the admin page is for instance administrators, and their menu links to it", () => {
    const frame = (who: User) =>
      renderToString(
        <SessionContext.Provider value={who}>
          <WorkspaceLayout workspaces={[]} current={undefined} section="admin" onCreateWorkspace={() => undefined}>
            <AdminPage section="provisioning" />
          </WorkspaceLayout>
        </SessionContext.Provider>,
      );
    expect(frame(user)).toContain("Provisioning (SCIM)");
    expect(frame(user)).toMatch(/href="\/admin\/provisioning" class="lc-active"/);
    expect(frame(user)).toContain('href="/admin"');
    const member = { ...user, isInstanceAdmin: false };
    expect(frame(member)).not.toContain('href="/admin"');
    expect(frame(member)).toContain("Only instance administrators");
  });
});

describe("a workspace's two-factor requirement", () => {
  test("its administrators see the setting as it stands; other members do not", () => {
    const panel = (role: Workspace["role"], requireTwoFactor: boolean) =>
      renderToString(
        <SessionContext.Provider value={{ ...user, isInstanceAdmin: false }}>
          <MembersPanel workspace={{ ...workspace(role), requireTwoFactor }} />
        </SessionContext.Provider>,
      );
    expect(panel("administrator", true)).toMatch(/name="workspace-two-factor" checked=""/);
    expect(panel("administrator", false)).toContain('name="workspace-two-factor"');
    expect(panel("administrator", false)).not.toMatch(/name="workspace-two-factor" checked=""/);
    expect(panel("developer", true)).not.toContain("workspace-two-factor");
  });
});
