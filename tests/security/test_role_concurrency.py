"""Security: the last-administrator rule under concurrency.

Two administrators who demote or remove each other at the same moment must not both succeed: the
review saw a workspace left without an administrator in 6 of 8 trials. Each trial here starts both
requests behind a barrier, on a real store (a SQLite file and a throwaway PostgreSQL database),
and the rule must hold in every trial.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lowcraft.app import create_app
from tests.conftest import Api, Instance, make_settings
from tests.servers import postgres_url, throwaway_postgres

TRIALS = 12
# (what the first administrator does to the second, what the second does to the first)
MOVES = [("demote", "demote"), ("remove", "remove"), ("demote", "remove"), ("remove", "demote")]


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lowcraft.db'}"
        return
    with throwaway_postgres("lowcraft_roles") as name:
        yield postgres_url(name)


@pytest.fixture
def instance(store_url: str, tmp_path: Path) -> Iterator[Instance]:
    settings = make_settings(tmp_path / "data", store_url)
    app = create_app(settings)  # migrates the fresh store
    with TestClient(app) as main:
        yield Instance(app, settings, main)


def _act(client: Api, move: str, workspace: str, target: str, start: threading.Barrier) -> Any:
    url = f"/api/v1/workspaces/{workspace}/members/{target}"
    start.wait()
    if move == "demote":
        return client.patch(url, json={"role": "developer"})
    return client.delete(url)


def test_two_administrators_acting_on_each_other_at_once_leave_one_in_office(instance: Instance) -> None:
    root = instance.user("root@example.com")  # the instance administrator, never a member below
    ada, bo = instance.user("ada@example.com"), instance.user("bo@example.com")
    assert ada.user and bo.user
    outcomes: list[tuple[int, int]] = []
    for trial in range(TRIALS):
        workspace = ada.ok("POST", "/api/v1/workspaces", 201, json={"name": f"Trial {trial}"})["id"]
        ada.ok("POST", f"/api/v1/workspaces/{workspace}/invites", 201,
               json={"email": "bo@example.com", "role": "administrator"})
        ada_move, bo_move = MOVES[trial % len(MOVES)]
        start = threading.Barrier(2)
        with ThreadPoolExecutor(2) as pool:
            by_ada = pool.submit(_act, ada, ada_move, workspace, bo.user["id"], start)
            by_bo = pool.submit(_act, bo, bo_move, workspace, ada.user["id"], start)
            answers = [by_ada.result(timeout=60), by_bo.result(timeout=60)]

        members = root.ok("GET", f"/api/v1/workspaces/{workspace}/members")["members"]
        administrators = [m["email"] for m in members if m["role"] == "administrator"]
        assert len(administrators) == 1, f"trial {trial} ({ada_move}/{bo_move}): {administrators}"
        won = [a for a in answers if a.status_code in (200, 204)]
        lost = [a for a in answers if a.status_code not in (200, 204)]
        assert len(won) == 1 and len(lost) == 1, [(a.status_code, a.text) for a in answers]
        # The loser is refused with a clear error, never a 500: 409 when it still held office as the
        # last administrator, 403/404 when the winner's change (run first) already took its role or
        # membership away.
        assert lost[0].status_code in (403, 404, 409), lost[0].text
        assert lost[0].json()["error"]["message"]
        outcomes.append((answers[0].status_code, answers[1].status_code))
    assert len(outcomes) == TRIALS
