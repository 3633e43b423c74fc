import { describe, expect, test } from "vitest";

import { loginPath, matchRoute, safeNext } from "./routes";

describe("addresses", () => {
  test.each([
    ["/", { kind: "home" }],
    ["/login", { kind: "login" }],
    ["/signup", { kind: "signup" }],
    ["/signup/confirm", { kind: "confirmSignup" }],
    ["/forgot-password", { kind: "forgotPassword" }],
    ["/reset-password", { kind: "resetPassword" }],
    ["/settings/tokens", { kind: "tokens" }],
    ["/settings/password", { kind: "password" }],
    ["/settings/identities", { kind: "identities" }],
    ["/settings/two-factor", { kind: "twoFactor" }],
    ["/admin", { kind: "admin", section: "sign-in" }],
    ["/admin/sign-in", { kind: "admin", section: "sign-in" }],
    ["/admin/provisioning", { kind: "admin", section: "provisioning" }],
    ["/workspaces", { kind: "home" }],
    ["/workspaces/w1", { kind: "workspace", workspaceId: "w1", section: "applications" }],
    ["/workspaces/w1/members", { kind: "workspace", workspaceId: "w1", section: "members" }],
    ["/workspaces/w1/trash", { kind: "workspace", workspaceId: "w1", section: "trash" }],
    ["/app/orders-admin", { kind: "viewer", appKey: "orders-admin", pageSlug: undefined }],
    ["/app/orders-admin/list/", { kind: "viewer", appKey: "orders-admin", pageSlug: "list" }],
    ["/app/a%20b/p", { kind: "viewer", appKey: "a b", pageSlug: "p" }],
    ["/app/a1/versions/v7", { kind: "viewer", appKey: "a1", pageSlug: undefined, version: "v7" }],
    ["/app/a1/versions/v7/list", { kind: "viewer", appKey: "a1", pageSlug: "list", version: "v7" }],
    ["/app/a1/versions/v7/list/more", { kind: "notFound" }],
    ["/app/a1/edit/orders", { kind: "editor", applicationId: "a1", pageSlug: "orders" }],
  ])("%s shows %o", (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });

  test.each(["/nope", "/workspaces/w1/secrets", "/app", "/app/a/b/c/d", "/app/a1/edit", "/login/x", "/signup/x", "/admin/a/b"])("%s is not a page", (path) => {
    expect(matchRoute(path)).toEqual({ kind: "notFound" });
  });

  test("after login the user goes back only to a path of this site", () => {
    expect(safeNext("/app/orders?x=1")).toBe("/app/orders?x=1");
    expect(safeNext(null)).toBe("/");
    expect(safeNext("https://evil.example/")).toBe("/");
    expect(safeNext("//evil.example/")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
    expect(loginPath("/app/orders?x=1")).toBe("/login?next=%2Fapp%2Forders%3Fx%3D1");
  });
});
