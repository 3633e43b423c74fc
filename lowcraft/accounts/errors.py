"""Errors of the accounts domain."""

from lowcraft.errors import BadRequest, Conflict, NotAuthenticated, PermissionDenied

# Raised by the identity layer below; named here too so the accounts domain lists all its errors.
from lowcraft.identity.errors import LoginThrottled, WeakPassword

__all__ = [
    "EmailTaken",
    "InvalidCredentials",
    "InvalidResetToken",
    "InvalidSignupLink",
    "LoginThrottled",
    "PasswordLoginDisabled",
    "SignupClosed",
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



class InvalidResetToken(BadRequest):
    """The password reset link is unknown, used or expired."""

    code = "invalid_reset_token"


class InvalidSignupLink(BadRequest):
    """The signup confirmation link is unknown, used or expired."""

    code = "invalid_signup_link"


class PasswordLoginDisabled(PermissionDenied):
    """Password login is turned off on this instance and the account is no instance administrator."""

    code = "password_login_disabled"
