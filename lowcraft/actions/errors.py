"""Errors of the actions domain."""

from lowcraft.errors import NotFound, ValidationFailed


class ActionNotFound(NotFound):
    """No such action, or the caller may not run or see it."""

    code = "action_not_found"


class InvalidAction(ValidationFailed):
    """The action's config or settings are not acceptable."""

    code = "invalid_action"
