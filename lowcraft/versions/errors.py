"""Errors of version history."""

from lowcraft.appmodel.errors import ApplicationNotFound, InvalidDocument
from lowcraft.errors import NotFound

# The model's errors re-raised here, so the domain lists all it raises.
__all__ = ["ApplicationNotFound", "InvalidDocument", "VersionNotFound"]


class VersionNotFound(NotFound):
    """No such version of this application (never made, or pruned by the retention)."""

    code = "version_not_found"
