"""Finishing, on start, Git operations a killed process left half done (see `service`).

A journal row still `started` means the process died between journaling and switching the store.
If the clone's branch points at the row's commit, the branch moved: the store is switched now
(the commit's tree becomes the edit state for a pull or merge; the head moves for a commit), so
the repository and the store agree again with nothing lost. Otherwise the branch never moved and
the row is marked abandoned: the store was never changed. pygit2 is loaded only when a row waits.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta

from sqlalchemy import delete

from lowcraft.appmodel.models import Application
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.git import handler
from lowcraft.git.locks import application_lock
from lowcraft.git.models import GitConnection, GitOperation
from lowcraft.git.startup import JOURNAL_DAYS
from lowcraft.runtime import Runtime
from lowcraft.store.types import utcnow

log = logging.getLogger("lowcraft.git")


def recover(runtime: Runtime) -> int:
    """Finish or abandon every `started` operation; the number finished."""
    with runtime.db.session() as db:
        waiting = [op.id for op in handler.open_operations(Context(runtime=runtime, db=db))]
        db.execute(delete(GitOperation).where(GitOperation.state != "started",
                                              GitOperation.updated_at < utcnow() - timedelta(days=JOURNAL_DAYS)))
    finished = 0
    for operation_id in waiting:
        with runtime.db.session() as db:
            op = db.get(GitOperation, operation_id)
            application_id = op.application_id if op else None
        if application_id is None:
            continue
        git_dir = runtime.settings.data_dir / "git"
        with application_lock(runtime.db, git_dir / "locks", application_id,
                              float(runtime.settings.git_operation_timeout_seconds)):
            finished += _recover_one(runtime, operation_id)
    return finished


def _recover_one(runtime: Runtime, operation_id: str) -> int:
    from lowcraft.git import repo  # pygit2, only now that an operation waits

    with runtime.db.session() as db:
        ctx = Context(runtime=runtime, db=db)
        op = db.get(GitOperation, operation_id)
        if op is None or op.state != "started":
            return 0
        conn = db.get(GitConnection, op.application_id)
        app = db.get(Application, op.application_id)
        path = runtime.settings.data_dir / "git" / "clones" / f"{op.application_id}.git"
        moved = False
        if conn is not None and app is not None and (path / "HEAD").exists() and op.commit_id:
            clone = repo.open_clone(path)
            repo.clear_stale_locks(path, float(runtime.settings.git_operation_timeout_seconds))
            moved = repo.branch_tip(clone, op.branch) == op.commit_id and conn.current_branch == op.branch
        if not moved or conn is None or app is None:
            handler.finish_operation(ctx, op.id, "abandoned")
            log.warning("git: %s of application %s was interrupted before its branch moved; nothing to finish",
                        op.kind, op.application_id)
            return 0
        if op.replaces_edit_state:
            files = repo.read_folder(clone, op.commit_id, conn.folder) or {}
            handler.load_edit_state(ctx, app, handler.document_of(files))
        conn.head_commit = op.commit_id
        conn.pending_merge = None
        handler.finish_operation(ctx, op.id, "recovered")
        record(dataclasses.replace(ctx), f"git.{op.kind}", "application", app.id, app.name,
               workspace_id=app.workspace_id, summary={"branch": op.branch, "commit": op.commit_id, "recovered": True})
        log.warning("git: finished the %s of application %s interrupted after commit %s moved branch %s",
                    op.kind, op.application_id, (op.commit_id or "")[:12], op.branch)
        return 1
