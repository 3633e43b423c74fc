"""Why a sign-in with a provider was refused. Each has a stable `code` the login page explains."""

from lowcraft.errors import BadRequest, NotAuthenticated, NotFound, ServiceUnavailable


class SignInRefused(NotAuthenticated):
    """The provider's answer did not prove who the person is; no session is made."""

    code = "sign_in_refused"


class StateMismatch(SignInRefused):
    """The answer does not belong to a sign-in this browser started (forged, replayed or expired)."""

    code = "sign_in_state_mismatch"


class AnswerReplayed(StateMismatch):
    """A SAML assertion already used to sign in is presented again."""

    code = "sign_in_replayed"


class TokenSignatureInvalid(SignInRefused):
    """The ID token's signature does not verify with the provider's published keys."""

    code = "sign_in_bad_signature"


class WrongAudience(SignInRefused):
    """The ID token was issued for another client."""

    code = "sign_in_wrong_audience"


class WrongIssuer(SignInRefused):
    """The ID token was issued by someone else than the configured provider."""

    code = "sign_in_wrong_issuer"


class TokenExpired(SignInRefused):
    """The ID token is past its expiry (beyond the allowed clock skew), or issued in the future."""

    code = "sign_in_token_expired"


class NonceMismatch(SignInRefused):
    """The ID token's nonce is not the one this sign-in sent."""

    code = "sign_in_nonce_mismatch"


class TokenInvalid(SignInRefused):
    """The ID token is malformed or lacks a claim the protocol requires."""

    code = "sign_in_token_invalid"


class EmailNotVerified(SignInRefused):
    """The provider does not vouch for the email address, so it cannot name a Lowcraft account."""

    code = "sign_in_email_not_verified"


class ProviderDenied(SignInRefused):
    """The provider answered with an error (the person cancelled, or the client is misconfigured)."""

    code = "sign_in_provider_error"


class AccountNotAllowed(SignInRefused):
    """The identity is valid but may not sign in here (no account and no just-in-time creation,
    or the account is deactivated)."""

    code = "sign_in_not_allowed"


class ProviderUnavailable(SignInRefused):
    """The provider is unknown, disabled, or was disabled while the sign-in was under way."""

    code = "sign_in_provider_disabled"


class LogoutRefused(BadRequest):
    """A SAML single logout message that does not prove it comes from the IdP (unsigned, signed
    by another key or with SHA-1, malformed, expired, or answering no request): nothing is done."""

    code = "saml_logout_refused"


class ProviderUnreachable(ServiceUnavailable):
    """The provider's endpoints could not be reached or answered nonsense."""

    code = "sign_in_provider_unreachable"

    def __init__(self, message: str) -> None:
        super().__init__(message, retry_after=30)


class ProviderAddressRefused(BadRequest):
    """A provider endpoint points at an address outgoing sign-in calls may not reach."""

    code = "sign_in_address_refused"


class UnknownProviderKind(NotFound):
    """No provider kind is registered under this name."""

    code = "unknown_provider_kind"
