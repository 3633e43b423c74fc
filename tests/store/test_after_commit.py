"""`after_commit`: what services hand to the real-time layer happens only once their transaction commits."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from lowcraft.cache.notices import Notices
from lowcraft.store.db import Database, after_commit


def test_callbacks_run_after_the_commit_and_never_after_a_rollback() -> None:
    db = Database("sqlite://")
    ran: list[str] = []
    with db.session() as session:
        session.execute(text("select 1"))
        after_commit(session, lambda: ran.append("committed"))
        savepoint = session.begin_nested()
        savepoint.rollback()  # a savepoint rolled back keeps the outer transaction's callbacks
        assert ran == []
    assert ran == ["committed"]
    with pytest.raises(RuntimeError), db.session() as session:
        after_commit(session, lambda: ran.append("rolled back"))
        raise RuntimeError
    with db.session() as session:  # the same pool's next session does not inherit it either
        session.execute(text("select 1"))
    assert ran == ["committed"]


def test_notices_reach_the_listeners_of_this_process_after_commit() -> None:
    db = Database("sqlite://")
    notices = Notices(None)
    heard: list[dict[str, object]] = []
    notices.listen(heard.append)
    with db.session() as session:
        notices.after_commit(session, {"kind": "published", "applicationId": "a1"})
        assert heard == []
    assert heard == [{"kind": "published", "applicationId": "a1"}]
