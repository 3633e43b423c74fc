"""A schedule every minute, on two `lowcraft serve` replicas sharing one PostgreSQL store, fires
once per minute: each fire time is claimed by one replica (its `workflow_schedule_fires` row), and
one run is started for it.

The replicas look for due schedules every second (`LOWCRAFT_WORKFLOW_SCHEDULE_TICK_SECONDS=1`), so
both see every fire time due within the same second and race for it. The test waits for two fire
times (up to two minutes and a bit).
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from lowcraft.devserver import free_port, wait_ready
from tests.servers import postgres_url, throwaway_postgres
from tests.triggers.support import WORKFLOW

CSRF = {"X-Requested-By": "lowcraft"}
pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str], list[Path]]]:
    folder = tmp_path_factory.mktemp("schedule-replicas")
    with throwaway_postgres("lowcraft_schedules") as name:
        url = postgres_url(name)
        shared = {
            "LOWCRAFT_DATABASE_URL": url,
            "LOWCRAFT_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "LOWCRAFT_ARGON2_TIME_COST": "1", "LOWCRAFT_ARGON2_MEMORY_KIB": "1024",
            "LOWCRAFT_WORKFLOW_SCHEDULE_TICK_SECONDS": "1",
        }
        processes: list[subprocess.Popen[bytes]] = []
        urls: list[str] = []
        logs: list[Path] = []
        try:
            for index in range(2):
                port = free_port()
                env = {k: v for k, v in os.environ.items() if not k.startswith("LOWCRAFT_")} | shared | {
                    "LOWCRAFT_DATA_DIR": str(folder / f"replica-{index}"), "LOWCRAFT_PORT": str(port),
                    "LOWCRAFT_BASE_URL": f"http://127.0.0.1:{port}",
                    "LOWCRAFT_WORKFLOW_EXECUTOR_ID": f"replica-{index}",
                }
                log = folder / f"replica-{index}.log"
                processes.append(subprocess.Popen([sys.executable, "-m", "lowcraft.cli", "serve"], env=env,
                                                  stdout=log.open("wb"), stderr=subprocess.STDOUT))
                urls.append(f"http://127.0.0.1:{port}")
                logs.append(log)
            for url_, process, log in zip(urls, processes, logs, strict=True):
                wait_ready(url_, process, timeout=60, log_path=log)
            yield url, urls, logs
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def test_every_minute_on_two_replicas_fires_once_per_minute(replicas: tuple[str, list[str], list[Path]]) -> None:
    database, (first, _second), logs = replicas
    with httpx.Client(base_url=first, headers=CSRF, timeout=30) as one:
        assert one.post("/api/v1/auth/signup", json={"email": "ops@example.com", "password": "schedules-fire-once",
                                                     "name": "Ops"}).status_code == 201
        ws = one.get("/api/v1/workspaces").json()["workspaces"][0]["id"]
        app = one.post(f"/api/v1/workspaces/{ws}/applications", json={"name": "Nightly"}).json()["id"]
        page = one.get(f"/api/v1/applications/{app}").json()["pages"][0]["id"]
        workflow = one.post(f"/api/v1/applications/{app}/js-objects",
                            json={"pageId": page, "name": "Tick", "body": WORKFLOW}).json()["id"]
        assert one.post(f"/api/v1/applications/{app}/publish").status_code == 200
        saved = one.put(f"/api/v1/workflows/{workflow}/schedule", json={"cron": "* * * * *", "timezone": "UTC"})
        assert saved.status_code == 200, saved.text
    started = datetime.now(UTC)
    # Two whole minutes after the save: the fire times at the next two minute boundaries are due.
    first_fire = started.replace(second=0, microsecond=0) + timedelta(minutes=1)
    wanted = [first_fire, first_fire + timedelta(minutes=1)]
    deadline = time.monotonic() + (wanted[-1] - started).total_seconds() + 20
    with psycopg.connect(database, autocommit=True) as conn:
        while time.monotonic() < deadline:
            fires = conn.execute(
                "SELECT fire_at, claimed_by, run_id FROM workflow_schedule_fires WHERE workflow_id = %s ORDER BY fire_at",
                (workflow,)).fetchall()
            if len(fires) >= len(wanted) and all(f[2] for f in fires):
                break
            time.sleep(1)
        time.sleep(3)  # a late double fire would show now
        fires = conn.execute(
            "SELECT fire_at, claimed_by, run_id FROM workflow_schedule_fires WHERE workflow_id = %s ORDER BY fire_at",
            (workflow,)).fetchall()
        runs = conn.execute(
            "SELECT id, input FROM workflow_runs WHERE workflow_id = %s AND trigger = 'schedule' ORDER BY created_at",
            (workflow,)).fetchall()
    assert [f[0] for f in fires] == wanted, (fires, "".join(log.read_text(errors="replace")[-3000:] for log in logs))
    assert len(runs) == len(wanted)
    assert sorted(r[0] for r in runs) == sorted(f[2] for f in fires)
    assert [r[1]["scheduledAt"] for r in runs] == [w.isoformat() for w in wanted]
    # Both replicas were running the ticker: each logged its start.
    for log in logs:
        assert "workflow schedules: checking every 1.0 s" in log.read_text(errors="replace")
