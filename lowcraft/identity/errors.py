"""Errors of the identity layer: password rules and login throttling."""

from lowcraft.errors import TooManyRequests, ValidationFailed


class WeakPassword(ValidationFailed):
    """The password does not meet the minimum rules."""

    code = "weak_password"


class LoginThrottled(TooManyRequests):
    """Too many wrong passwords (at login or password change) for this account from this address,
    from this address, or for this account from unfamiliar addresses."""

    code = "login_throttled"
