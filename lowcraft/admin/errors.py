"""Errors of the instance settings."""

from lowcraft.errors import PermissionDenied, ValidationFailed


class NotInstanceAdministrator(PermissionDenied):
    """Only an instance administrator may read or change instance settings."""

    code = "not_instance_administrator"


class InvalidUrlPrefix(ValidationFailed):
    """An allowed-URL prefix is not a web address with a host and a path."""

    code = "invalid_url_prefix"
