"""`/scim/v2` passes scim2-tester, the SCIM RFC compliance checker, run against a real server on a
loopback port: discovery, then creating, reading, filtering, replacing, patching (add, replace and
remove of every attribute) and deleting Users and Groups."""

from __future__ import annotations

from pathlib import Path

import httpx
import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from lowcraft.devserver import free_port, running_server
from tests.conftest import CSRF, PASSWORD


def test_scim2_tester_finds_no_error(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "LOWCRAFT_DATA_DIR": str(tmp_path / "data"),
        "LOWCRAFT_ARGON2_MEMORY_KIB": "1024",
        "LOWCRAFT_ARGON2_TIME_COST": "1",
        "LOWCRAFT_BASE_URL": f"http://127.0.0.1:{port}",  # resources' meta.location, which the tester follows
    }
    with running_server(env, port=port) as server, httpx.Client(base_url=server.url, headers=CSRF) as api:
        assert api.post("/api/v1/auth/signup", json={"email": "root@example.com", "password": PASSWORD}).status_code == 201
        token = api.post("/api/v1/admin/scim/tokens", json={"name": "compliance"}).json()["token"]
        with httpx2.Client(base_url=f"{server.url}/scim/v2", headers={"Authorization": f"Bearer {token}"}) as http:
            results = check_server(SyncSCIMClient(http))
    failures = [f"{r.resource_type or ''} {r.title}: {r.reason}" for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
    assert failures == []
    passed = [r for r in results if r.status == Status.SUCCESS]
    assert len(passed) > 100, "the tester ran its checks of Users and Groups"
    # The one optional feature left out: searching users and groups in one request (answered 501).
    skipped = {r.title for r in results if r.status == Status.SKIPPED}
    assert skipped <= {"search_with_attributes"}
