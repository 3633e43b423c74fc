/**
 * Which screen a path shows. Pure functions, so the whole route table is tested without a browser.
 */

export type Route =
  | { readonly kind: "login" }
  | { readonly kind: "signup" }
  | { readonly kind: "confirmSignup" }
  | { readonly kind: "forgotPassword" }
  | { readonly kind: "resetPassword" }
  | { readonly kind: "home" }
  | { readonly kind: "workspace"; readonly workspaceId: string; readonly section: WorkspaceSection }
  | { readonly kind: "tokens" }
  | { readonly kind: "password" }
  | { readonly kind: "identities" }
  | { readonly kind: "twoFactor" }
  | { readonly kind: "admin"; readonly section: string }
  | { readonly kind: "viewer"; readonly appKey: string; readonly pageSlug: string | undefined; readonly version?: string }
  | { readonly kind: "editor"; readonly applicationId: string; readonly pageSlug: string }
  | { readonly kind: "notFound" };

export type WorkspaceSection = "applications" | "members" | "trash";

const SECTIONS: ReadonlySet<string> = new Set<WorkspaceSection>(["applications", "members", "trash"]);

const decode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

export function matchRoute(pathname: string): Route {
  const parts = pathname.split("/").filter((p) => p !== "").map(decode);
  const [first, second, third, fourth] = parts;
  switch (parts.length === 0 ? "" : first) {
    case "":
      return { kind: "home" };
    case "login":
      return parts.length === 1 ? { kind: "login" } : { kind: "notFound" };
    case "signup":
      if (parts.length === 2 && second === "confirm") return { kind: "confirmSignup" };
      return parts.length === 1 ? { kind: "signup" } : { kind: "notFound" };
    case "forgot-password":
      return parts.length === 1 ? { kind: "forgotPassword" } : { kind: "notFound" };
    case "reset-password":
      return parts.length === 1 ? { kind: "resetPassword" } : { kind: "notFound" };
    case "settings":
      if (parts.length === 2 && second === "password") return { kind: "password" };
      if (parts.length === 2 && second === "identities") return { kind: "identities" };
      if (parts.length === 2 && second === "two-factor") return { kind: "twoFactor" };
      return parts.length === 2 && second === "tokens" ? { kind: "tokens" } : { kind: "notFound" };
    case "workspaces":
      if (second === undefined) return { kind: "home" };
      if (parts.length === 2) return { kind: "workspace", workspaceId: second, section: "applications" };
      if (parts.length === 3 && third !== undefined && SECTIONS.has(third)) {
        return { kind: "workspace", workspaceId: second, section: third as WorkspaceSection };
      }
      return { kind: "notFound" };
    case "admin":
      // Instance administration: /admin/{section}; the sections are the admin page's to know.
      if (parts.length === 1) return { kind: "admin", section: "sign-in" };
      return parts.length === 2 && second !== undefined ? { kind: "admin", section: second } : { kind: "notFound" };
    case "app":
      if (second === undefined) return { kind: "notFound" };
      // The editor's address: /app/{application id}/edit/{page slug}.
      if (third === "edit") return parts.length === 4 && fourth !== undefined ? { kind: "editor", applicationId: second, pageSlug: fourth } : { kind: "notFound" };
      if (parts.length <= 3) return { kind: "viewer", appKey: second, pageSlug: third };
      // A kept version, read-only, for the app's developers: /app/{application id}/versions/{version}/{page slug}.
      if (third === "versions" && fourth !== undefined && parts.length <= 5) return { kind: "viewer", appKey: second, pageSlug: parts[4], version: fourth };
      return { kind: "notFound" };
    default:
      return { kind: "notFound" };
  }
}

/** Where to go after logging in: only a path of this site (never `//evil.example` or a URL). */
export function safeNext(next: string | null | undefined, fallback = "/"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}

/** The login page's address that comes back to `path` afterwards. */
export function loginPath(path: string): string {
  return `/login?next=${encodeURIComponent(path)}`;
}
