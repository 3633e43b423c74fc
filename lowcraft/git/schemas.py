"""Response models of the Git routes (`/api/v1/applications/{id}/git/...`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from lowcraft.apps.schemas import DatasourceBinding
from lowcraft.http.openapi import Out
from lowcraft.jslibs.schemas import LibraryImportOutcome


class HostKeyOut(Out):
    type: str = Field(description="`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, ...")
    fingerprint: str = Field(description="`SHA256:...`, to compare with the fingerprint the Git host publishes.")


class GitConnectionOut(Out):
    """How the application is connected. Never carries the token or the private key."""

    connected: bool
    remote_url: str = Field(alias="remoteUrl")
    auth_kind: str = Field(alias="authKind", description="`token`, `ssh` or `none`.")
    username: str
    has_token: bool = Field(alias="hasToken", description="A token is stored (it is never returned).")
    public_key: str | None = Field(alias="publicKey", description="The deploy key's public half (OpenSSH).")
    host_keys: list[HostKeyOut] = Field(alias="hostKeys", description=(
        "SSH remotes: the server's host keys pinned for the app; a server presenting another is refused."))
    folder: str = Field(description="The app's folder in the repository ('' for the root).")
    default_branch: str = Field(alias="defaultBranch")
    current_branch: str = Field(alias="currentBranch", description="The branch the edit state is on.")
    published_branch: str = Field(alias="publishedBranch", description="Publish snapshots this branch.")
    protected_branches: list[str] = Field(alias="protectedBranches")
    auto_commit_on_publish: bool = Field(alias="autoCommitOnPublish")
    head_commit: str | None = Field(alias="headCommit", description="The commit the edit state is based on.")
    merge_pending: bool = Field(alias="mergePending", description="A merge waits for its conflicts' resolutions.")


class EntityChange(Out):
    id: str = Field(description="`application`, `datasource:<name>`, `page:<name>` or `<kind>:<page>/<name>`.")
    kind: Literal["application", "datasource", "page", "widget", "query", "js"]
    page: str
    name: str
    change: Literal["added", "modified", "deleted"]


class GitStatus(GitConnectionOut):
    """The connection, what changed since the head commit, and ahead/behind the remote branch."""

    clean: bool
    changes: list[EntityChange]
    ahead: int = Field(description="Commits on this branch the remote lacks (as of the last fetch).")
    behind: int = Field(description="Commits on the remote this branch lacks (as of the last fetch).")


class DeployKey(Out):
    public_key: str = Field(alias="publicKey", description="Add it to the repository as a deploy key with write access.")


class CommitResult(Out):
    commit: str | None = Field(description="The new commit; null when nothing changed.")
    branch: str
    changed: int = Field(description="Entities changed by the commit.")


class PushResult(Out):
    branch: str
    commit: str


class DiscardResult(Out):
    branch: str
    commit: str | None


class Conflict(Out):
    id: str
    kind: Literal["application", "datasource", "page", "widget", "query", "js"]
    page: str
    name: str
    base: Any = Field(description="The entity in the common ancestor (null: it did not exist).")
    mine: Any = Field(description="The entity on this branch (null: deleted).")
    theirs: Any = Field(description="The entity on the other side (null: deleted).")
    resolution: dict[str, Any] | None = Field(description="`{choice: mine|theirs}` or `{choice: edit, value}`.")


class MergeOutcome(Out):
    result: Literal["up-to-date", "fast-forward", "merged", "conflicts"]
    commit: str | None
    conflicts: list[Conflict] = Field(description="When `conflicts`: nothing changed; resolve each, then complete.")
    datasources: list[DatasourceBinding] = Field(
        description="Datasources the new tree named that were created here, or are set up otherwise than it records.")
    js_libraries: list[LibraryImportOutcome] = Field(
        alias="jsLibraries", description="JS libraries the new tree added or changed: installed, or why not.")
    js_libraries_removed: list[str] = Field(
        alias="jsLibrariesRemoved", description="JS libraries the new tree no longer lists, uninstalled.")


class PendingMerge(Out):
    kind: Literal["pull", "merge"]
    source: str
    ours: str
    theirs: str
    base: str | None
    conflicts: list[Conflict]


class Branch(Out):
    name: str
    commit: str | None
    local: bool
    remote: bool
    current: bool
    default: bool
    protected: bool
    published: bool
    has_edit_state: bool = Field(alias="hasEditState")


class BranchList(Out):
    branches: list[Branch]


class BranchCreated(Out):
    name: str
    commit: str
    source: str = Field(alias="from")
