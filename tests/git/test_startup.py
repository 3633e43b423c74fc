"""What a start asks of Git sync before loading it: whether the operation journal needs its
recovery pass (an operation left `started`, or finished rows past the journal's keeping time)."""

from __future__ import annotations

from datetime import timedelta

from lowcraft.git.models import GitOperation
from lowcraft.git.startup import JOURNAL_DAYS, recovery_due
from lowcraft.store.types import utcnow
from tests.conftest import Api, Instance, first_workspace


def test_recovery_is_due_for_a_started_operation_or_an_old_finished_one(instance: Instance, admin: Api) -> None:
    db = instance.app.state.runtime.db
    app = admin.ok("POST", f"/api/v1/workspaces/{first_workspace(admin)}/applications", 201, json={"name": "A"})["id"]
    assert not recovery_due(db)
    with db.session() as session:
        done = GitOperation(application_id=app, kind="commit", branch="main", state="done")
        started = GitOperation(application_id=app, kind="pull", branch="main")
        session.add_all([done, started])
    assert recovery_due(db)  # a process died in the middle of the pull
    with db.session() as session:
        session.get(GitOperation, started.id).state = "abandoned"  # type: ignore[union-attr]
    assert not recovery_due(db)  # finished rows of this month are kept
    with db.session() as session:
        session.get(GitOperation, done.id).updated_at = utcnow() - timedelta(days=JOURNAL_DAYS + 1)  # type: ignore[union-attr]
    assert recovery_due(db)  # an old row to drop
