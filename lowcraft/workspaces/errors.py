"""Errors of the workspaces domain."""

from lowcraft.errors import Conflict, ValidationFailed


class LastAdministrator(Conflict):
    """The change would leave a workspace without an administrator."""

    code = "last_administrator"


class AlreadyMember(Conflict):
    """The invited email belongs to a member already."""

    code = "already_member"


class InvalidRole(ValidationFailed):
    """The role is not one of administrator, developer, viewer."""

    code = "invalid_role"
