"""Errors of Git sync, each with a stable code the editor's Git panel reads."""

from lowcraft.appmodel.errors import ApplicationNotFound, InvalidDocument
from lowcraft.errors import BadRequest, Conflict, NotFound, ServiceUnavailable, ValidationFailed

__all__ = [
    "ApplicationNotFound",
    "BranchNotFound",
    "BranchProtected",
    "GitAuthFailed",
    "GitBusy",
    "GitError",
    "GitHostKeyMismatch",
    "GitRemoteUnreachable",
    "InvalidDocument",
    "MergePending",
    "NoMergePending",
    "NotConnected",
    "NotALowcraftApp",
    "PushRejected",
    "UncommittedChanges",
    "UnresolvedConflicts",
]


class GitError(BadRequest):
    """A Git operation failed for a reason the message explains (the repository is left as it was)."""

    code = "git_error"


class NotConnected(NotFound):
    """The application is not connected to a repository."""

    code = "git_not_connected"


class GitAuthFailed(ValidationFailed):
    """The remote refused the token or deploy key."""

    code = "git_auth_failed"


class GitHostKeyMismatch(ValidationFailed):
    """The SSH server's host key is not the one pinned for the application (or none is pinned):
    nothing was fetched or pushed. `details` name the host and both fingerprints."""

    code = "git_host_key_mismatch"


class GitRemoteUnreachable(ValidationFailed):
    """The remote's host could not be reached or is not a Git repository, or the network policy refuses it."""

    code = "git_remote_unreachable"


class NotALowcraftApp(ValidationFailed):
    """The repository's folder holds files that are not a Lowcraft application (or an invalid one)."""

    code = "git_not_a_lowcraft_app"


class BranchNotFound(NotFound):
    """No such branch, locally or on the remote."""

    code = "git_branch_not_found"


class BranchProtected(Conflict):
    """The branch is protected: it changes only by merges and pulls, never by a direct commit."""

    code = "git_branch_protected"


class UncommittedChanges(Conflict):
    """The operation needs a clean edit state: commit or discard first."""

    code = "git_uncommitted_changes"


class PushRejected(Conflict):
    """The remote has commits this branch lacks: pull first."""

    code = "git_push_rejected"


class MergePending(Conflict):
    """A merge with conflicts waits for its resolutions: complete or abort it first."""

    code = "git_merge_pending"


class NoMergePending(NotFound):
    """There is no merge waiting for resolutions."""

    code = "git_no_merge_pending"


class UnresolvedConflicts(Conflict):
    """The merge cannot complete while a conflict has no resolution."""

    code = "git_unresolved_conflicts"


class GitBusy(ServiceUnavailable):
    """Another Git operation on this application holds its lock; retry after `retry_after` seconds."""

    code = "git_busy"
