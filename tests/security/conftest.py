"""Fixtures the attack classes share with the packages whose surfaces they attack, so that an
attack runs against the same real server, remote or workflow engine as the behaviour tests."""

from __future__ import annotations

from tests.actions.conftest import orders_db
from tests.git.conftest import connected, git_server
from tests.realtime.conftest import application, server
from tests.triggers.conftest import small
from tests.workflows.conftest import wf

__all__ = ["application", "connected", "git_server", "orders_db", "server", "small", "wf"]
