"""The tables of Git sync: an application's connection, the edit states of its other branches,
and the journal of operations that write to the repository and then to the store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lowcraft.store.base import Base, IdMixin, TimestampMixin
from lowcraft.store.types import IdType, JSONType, UTCDateTime


class GitConnection(TimestampMixin, Base):
    """One application's repository: where, how to authenticate, which branch the edit state is on.

    A row exists from the moment a deploy key is made (`remote_url` empty until connected). The
    token and the private key are encrypted with the instance key, bound to the application id.
    """

    __tablename__ = "git_connections"

    application_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    remote_url: Mapped[str] = mapped_column(String(2000), default="")
    auth_kind: Mapped[str] = mapped_column(String(20), default="none")
    """`token` (HTTPS basic auth with a token) or `ssh` (the deploy key) or `none`."""
    username: Mapped[str] = mapped_column(String(200), default="")
    token_encrypted: Mapped[str | None] = mapped_column(Text)
    ssh_private_encrypted: Mapped[str | None] = mapped_column(Text)
    ssh_public_key: Mapped[str] = mapped_column(Text, default="")
    ssh_host_keys: Mapped[str | None] = mapped_column(Text)
    """SSH remotes: the server's host keys pinned at connect (or re-pinned), one `type base64` a
    line (`lowcraft.git.hostkeys`); a server presenting another key is refused."""
    folder: Mapped[str] = mapped_column(String(500), default="")
    default_branch: Mapped[str] = mapped_column(String(200), default="main")
    current_branch: Mapped[str] = mapped_column(String(200), default="main")
    published_branch: Mapped[str | None] = mapped_column(String(200))
    protected_branches: Mapped[list[str]] = mapped_column(JSONType, default=list)
    auto_commit_on_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    head_commit: Mapped[str | None] = mapped_column(String(64))
    """The commit the edit state is based on: status compares the edit state with its tree."""
    pending_merge: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    """A merge with conflicts: its commits and each conflict with its resolution, until completed."""
    connected_by: Mapped[str | None] = mapped_column(IdType, ForeignKey("users.id", ondelete="SET NULL"))


class GitBranchState(TimestampMixin, Base):
    """The edit state of a branch the application is not on, kept while another branch is edited."""

    __tablename__ = "git_branch_states"

    application_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    branch: Mapped[str] = mapped_column(String(200), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    head_commit: Mapped[str | None] = mapped_column(String(64))


class GitOperation(IdMixin, TimestampMixin, Base):
    """The journal: written (and committed) before an operation touches the repository, finished in
    the transaction that switches the app's state. A row still `started` after a crash is
    recovered on the next start (`lowcraft.git.recovery`)."""

    __tablename__ = "git_operations"

    application_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    branch: Mapped[str] = mapped_column(String(200))
    previous_commit: Mapped[str | None] = mapped_column(String(64))
    commit_id: Mapped[str | None] = mapped_column(String(64))
    """The commit the operation made (set once it is written, before the branch moves)."""
    state: Mapped[str] = mapped_column(String(20), default="started", index=True)
    """`started`, `done`, `recovered` or `abandoned`."""
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaces_edit_state: Mapped[bool] = mapped_column(Boolean, default=False)
    """Whether finishing loads the commit's tree as the edit state (pull, merge) or only moves the
    app's head (commit)."""


class GitObject(Base):
    """A Git object of a commit not pushed yet, kept in the store so that every replica can rebuild
    it: clones live on each replica's own volume, and a commit made on one replica must be there
    when another replica operates on the app next. Dropped once a push put the commit on the remote."""

    __tablename__ = "git_objects"

    application_id: Mapped[str] = mapped_column(
        IdType, ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    oid: Mapped[str] = mapped_column(String(64), primary_key=True)
    commit_id: Mapped[str] = mapped_column(String(64), index=True)
    """The commit that brought the object (pushed: its objects go)."""
    kind: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
