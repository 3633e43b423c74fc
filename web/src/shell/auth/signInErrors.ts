/**
 * What the login page says when a sign-in with a provider was refused. The server sends the
 * browser back to `/login?error=<code>`; the message is chosen here from the code, never taken
 * from the address (anyone can write an address, and the login page must not say what they like).
 */
const MESSAGES: Readonly<Record<string, string>> = {
  sign_in_state_mismatch: "This sign-in could not be finished: it was started in another browser, used already or expired. Try again.",
  sign_in_bad_signature: "The provider's answer could not be verified (its signature is wrong). No one was signed in.",
  sign_in_wrong_audience: "The provider's answer was meant for another application. No one was signed in.",
  sign_in_wrong_issuer: "The answer did not come from the configured provider. No one was signed in.",
  sign_in_token_expired: "The provider's answer has expired, or the clocks disagree. Try again.",
  sign_in_nonce_mismatch: "The provider's answer does not belong to this sign-in. Try again.",
  sign_in_token_invalid: "The provider's answer is not valid. Ask an administrator to check the provider's settings.",
  sign_in_email_not_verified: "The provider has not verified your email address, so it cannot sign you in here. Verify it with the provider first.",
  sign_in_provider_error: "The provider did not sign you in (cancelled, or refused).",
  sign_in_not_allowed: "There is no active account for you here. Ask an administrator for access.",
  sign_in_provider_disabled: "This sign-in provider is turned off. Choose another way to log in.",
  sign_in_provider_unreachable: "The sign-in provider could not be reached. Try again shortly.",
  sign_in_address_refused: "This sign-in provider's address is not allowed on this instance. Ask an administrator.",
};

export function signInErrorMessage(code: string | null): string | undefined {
  if (!code) return undefined;
  return MESSAGES[code] ?? "Signing in with the provider failed. Try again, or ask an administrator.";
}
