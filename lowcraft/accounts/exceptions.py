"""Errors of the accounts domain."""

from lowcraft.errors import BadRequest, Conflict, NotAuthenticated, TooManyRequests, ValidationFailed


class InvalidCredentials(NotAuthenticated):
    """Email and password do not match an active account (deliberately not saying which)."""

    code = "invalid_credentials"


class EmailTaken(Conflict):
    """An account with this email exists already."""

    code = "email_taken"


class SignupClosed(BadRequest):
    """The instance's signup policy does not admit this email."""

    code = "signup_closed"


class WeakPassword(ValidationFailed):
    """The password does not meet the minimum rules."""

    code = "weak_password"


class InvalidResetToken(BadRequest):
    """The password reset link is unknown, used or expired."""

    code = "invalid_reset_token"


class InvalidSignupLink(BadRequest):
    """The signup confirmation link is unknown, used or expired."""

    code = "invalid_signup_link"


class LoginThrottled(TooManyRequests):
    """Too many wrong passwords (at login or password change) for this account from this address,
    from this address, or for this account from unfamiliar addresses."""

    code = "login_throttled"
