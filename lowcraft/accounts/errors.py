"""Errors of the accounts domain."""

from lowcraft.errors import BadRequest, Conflict, NotAuthenticated, PermissionDenied

# Raised by the identity layer below; named here too so the accounts domain lists all its errors.
from lowcraft.identity.errors import LoginThrottled, WeakPassword

__all__ = [
    "EmailTaken",
    "InvalidCredentials",
    "InvalidResetToken",
    "InvalidSignupLink",
    "InvalidTwoFactorCode",
    "LoginThrottled",
    "PasswordLoginDisabled",
    "SignInExpired",
    "SignupClosed",
    "TwoFactorNotEnabled",
    "TwoFactorRequired",
    "TwoFactorSetupNeeded",
    "WeakPassword",
]


class InvalidCredentials(NotAuthenticated):
    """Email and password do not match an active account (deliberately not saying which)."""

    code = "invalid_credentials"


class EmailTaken(Conflict):
    """An account with this email exists already."""

    code = "email_taken"


class SignupClosed(BadRequest):
    """The instance's signup policy does not admit this email."""

    code = "signup_closed"


class InvalidTwoFactorCode(NotAuthenticated):
    """The authenticator code or recovery code is wrong, or was used already."""

    code = "invalid_two_factor_code"


class SignInExpired(NotAuthenticated):
    """The sign-in waiting for its second factor is unknown, finished or past its ten minutes."""

    code = "sign_in_expired"


class TwoFactorNotEnabled(Conflict):
    """The account has no confirmed authenticator (nothing to disable, no enrolment to confirm)."""

    code = "two_factor_not_enabled"


class TwoFactorRequired(Conflict):
    """An administrator requires two-factor authentication of this account: it cannot be turned off."""

    code = "two_factor_required"


class TwoFactorSetupNeeded(Conflict):
    """An administrator turning on a two-factor requirement must use a second factor first, or
    would lock themselves out."""

    code = "two_factor_setup_needed"


class InvalidResetToken(BadRequest):
    """The password reset link is unknown, used or expired."""

    code = "invalid_reset_token"


class InvalidSignupLink(BadRequest):
    """The signup confirmation link is unknown, used or expired."""

    code = "invalid_signup_link"


class PasswordLoginDisabled(PermissionDenied):
    """Password login is turned off on this instance and the account is no instance administrator."""

    code = "password_login_disabled"
