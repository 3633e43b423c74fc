"""Errors of the applications domain."""

from lowcraft.appmodel.errors import ApplicationNotFound, InvalidDocument, NotPublished
from lowcraft.errors import Conflict

# The model's errors (raised in `lowcraft.appmodel`) are named here too, so the domain lists all it raises.
__all__ = ["ApplicationNotFound", "InvalidDocument", "NotPublished", "SlugTaken"]


class SlugTaken(Conflict):
    """Another application uses this slug."""

    code = "slug_taken"
