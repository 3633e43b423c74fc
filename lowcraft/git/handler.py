"""Git sync's store work: the connection row, secrets, edit-state documents, the journal.
No permission checks: the service has checked the caller's role and holds the application's lock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from lowcraft.appmodel.document_format import parse_document
from lowcraft.appmodel.file_tree import (
    document_to_files,
    files_to_document,
    normalize_document,
    recorded_settings,
)
from lowcraft.appmodel.models import Application
from lowcraft.apps import handler as apps_handler
from lowcraft.apps.service import EditStateReport, replace_edit_state
from lowcraft.context import Context
from lowcraft.git.errors import NotConnected
from lowcraft.git.models import GitBranchState, GitConnection, GitObject, GitOperation
from lowcraft.jslibs.service import DocumentLibraries
from lowcraft.store.types import utcnow


def secret_context(application_id: str, what: str) -> str:
    """What a connection's ciphertexts are bound to: a token or key copied onto another app's row
    does not decrypt."""
    return f"git:{application_id}:{what}"


def connection(ctx: Context, application_id: str, *, connected: bool = True) -> GitConnection:
    row = ctx.db.get(GitConnection, application_id, populate_existing=True)
    if row is None or (connected and not row.remote_url):
        raise NotConnected("This application is not connected to a Git repository.")
    return row


@dataclass
class Secrets:
    token: str = ""
    ssh_private_key: str = ""


def seal(ctx: Context, application_id: str, what: str, value: str) -> str:
    return ctx.runtime.secret_box.encrypt(value.encode(), secret_context(application_id, what))


def unseal(ctx: Context, application_id: str, what: str, token: str | None) -> str:
    if not token:
        return ""
    return ctx.runtime.secret_box.decrypt(token, secret_context(application_id, what)).decode()


def with_recorded_settings(document: dict[str, Any], head_files: dict[str, bytes] | None) -> dict[str, Any]:
    """`document` with each datasource's settings as the head commit's tree records them, where
    that tree has the datasource (same name and connector).

    A datasource's non-secret settings enter the tree with the datasource (the workspace's, at
    that commit); afterwards the file is the repository's to change. So another instance whose
    datasource of that name points elsewhere, or a change of the live datasource, never shows as
    an uncommitted change, never blocks a pull and never flips the file back and forth."""
    recorded = recorded_settings(head_files or {})
    datasources = []
    for datasource in document.get("datasources", []):
        kept = recorded.get(datasource["name"])
        if kept is not None and kept[0] == datasource["connector"]:
            datasource = {**datasource, "settings": kept[1]}
        datasources.append(datasource)
    return {**document, "datasources": datasources}


def edit_document(ctx: Context, app: Application, head_files: dict[str, bytes] | None) -> dict[str, Any]:
    """The app's edit state as the normalized document its file tree stands for (against the
    head commit's tree `head_files`: see `with_recorded_settings`)."""
    return normalize_document(with_recorded_settings(
        apps_handler.build_document(ctx, app, datasource_settings=True), head_files))


def edit_files(ctx: Context, app: Application, head_files: dict[str, bytes] | None) -> dict[str, bytes]:
    """The file tree of the app's edit state (against the head commit's tree `head_files`)."""
    return document_to_files(with_recorded_settings(
        apps_handler.build_document(ctx, app, datasource_settings=True), head_files))


def document_of(files: dict[str, bytes]) -> dict[str, Any]:
    """The normalized document of a tree (raises `InvalidAppTree` naming the faulty file)."""
    return files_to_document(files)


def load_edit_state(
    ctx: Context, app: Application, document: dict[str, Any], libraries: DocumentLibraries | None = None
) -> EditStateReport:
    """Make the document the app's edit state: datasources bound by name, JS libraries installed
    and removed to match (code from `libraries`, else stored in the app)."""
    return replace_edit_state(ctx, app, parse_document(document), libraries)


def stored_state(ctx: Context, application_id: str, branch: str) -> GitBranchState | None:
    return ctx.db.get(GitBranchState, (application_id, branch))


def keep_state(ctx: Context, app: Application, branch: str, head: str | None) -> None:
    """Keep the current edit state as `branch`'s while another branch is edited (with ids: a
    published branch that is not the current one publishes from here)."""
    document = apps_handler.build_document(ctx, app, include_ids=True)
    row = stored_state(ctx, app.id, branch)
    if row is None:
        ctx.db.add(GitBranchState(application_id=app.id, branch=branch, document=document, head_commit=head))
    else:
        row.document, row.head_commit = document, head


def branch_states(ctx: Context, application_id: str) -> dict[str, GitBranchState]:
    rows = ctx.db.scalars(select(GitBranchState).where(GitBranchState.application_id == application_id)).all()
    return {row.branch: row for row in rows}


def start_operation(
    ctx: Context, application_id: str, kind: str, branch: str, previous: str | None, commit: str,
    *, replaces_edit_state: bool,
) -> GitOperation:
    op = GitOperation(application_id=application_id, kind=kind, branch=branch, previous_commit=previous,
                      commit_id=commit, replaces_edit_state=replaces_edit_state)
    ctx.db.add(op)
    ctx.db.flush()
    return op


def finish_operation(ctx: Context, operation_id: str, state: str = "done") -> None:
    op = ctx.db.get(GitOperation, operation_id)
    if op is not None:
        op.state, op.finished_at = state, utcnow()


def open_operations(ctx: Context) -> list[GitOperation]:
    return list(ctx.db.scalars(select(GitOperation).where(GitOperation.state == "started")
                                .order_by(GitOperation.created_at)).all())


def keep_objects(ctx: Context, application_id: str, commit: str, objects: list[tuple[str, int, bytes]]) -> None:
    """Keep a new commit's objects until it is pushed (see `GitObject`)."""
    have = set(ctx.db.scalars(select(GitObject.oid).where(
        GitObject.application_id == application_id, GitObject.oid.in_([o[0] for o in objects]))).all())
    for oid, kind, data in objects:
        if oid not in have:
            ctx.db.add(GitObject(application_id=application_id, oid=oid, commit_id=commit, kind=kind, data=data))
            have.add(oid)


def kept_objects(ctx: Context, application_id: str) -> list[tuple[int, bytes]]:
    rows = ctx.db.execute(select(GitObject.kind, GitObject.data).where(GitObject.application_id == application_id)).all()
    return [(int(kind), bytes(data)) for kind, data in rows]


def kept_commits(ctx: Context, application_id: str) -> set[str]:
    return set(ctx.db.scalars(select(GitObject.commit_id).where(GitObject.application_id == application_id)).all())


def drop_objects(ctx: Context, application_id: str, commits: set[str]) -> None:
    if commits:
        ctx.db.execute(delete(GitObject).where(GitObject.application_id == application_id,
                                               GitObject.commit_id.in_(commits)))
