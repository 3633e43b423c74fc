import { describe, expect, test } from "vitest";

import { signInErrorMessage } from "./signInErrors";

describe("sign-in refusals on the login page", () => {
  test("each refusal the server names has its own sentence", () => {
    expect(signInErrorMessage("sign_in_email_not_verified")).toMatch(/not verified your email/);
    expect(signInErrorMessage("sign_in_state_mismatch")).toMatch(/another browser/);
  });

  test("an unknown code gets a general sentence, never the address's own text", () => {
    expect(signInErrorMessage("Your account is locked, call +1 555")).toBe(
      "Signing in with the provider failed. Try again, or ask an administrator.",
    );
    expect(signInErrorMessage(null)).toBeUndefined();
  });
});
