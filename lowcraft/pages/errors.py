"""Errors of the pages domain."""

from typing import Any

from lowcraft.appmodel.errors import DuplicateName, InvalidWidgetTree
from lowcraft.errors import Conflict

# The model's errors (raised in `lowcraft.appmodel`) are named here too, so the domain lists all it raises.
__all__ = ["DuplicateName", "InvalidWidgetTree", "LastPage", "StaleRevision"]



class StaleRevision(Conflict):
    """The save was based on an older revision than the page now has."""

    code = "stale_revision"

    def __init__(self, current_revision: int, extra: dict[str, Any] | None = None) -> None:
        super().__init__(
            "This page was changed since you loaded it (now at revision "
            f"{current_revision}). Reload it, then apply your change again.",
            details={"currentRevision": current_revision, **(extra or {})},
        )


class LastPage(Conflict):
    """An application must keep at least one page."""

    code = "last_page"
