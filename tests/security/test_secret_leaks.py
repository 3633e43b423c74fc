"""Security, secrets through the new ways out of the server: a repository, a run record, the
co-editing socket, the logs. Datasource settings and tokens are write-only everywhere: each way
out is searched for the very values that were written.

- Git: commits, file trees and the server's clone carry no datasource secret and no Git token
  (datasources are named, never configured; the remote's URL holds no credentials).
- Workflow runs: inputs and step arguments under secret-looking keys show `****` in the API and
  are stored so in step records; nothing of the datasource's password appears.
- Real-time: the shared document and the messages of an edit channel carry no datasource secret.
- Logs: none of the above reaches a log line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lowcraft.workflows.models import WorkflowStep
from tests.actions.conftest import PG_PASSWORD
from tests.conftest import Api, Instance, first_workspace
from tests.git.conftest import Connected
from tests.git.remotes import git
from tests.git.support import page_id
from tests.realtime.conftest import RealtimeServer
from tests.realtime.yclient import YClient, ws_url
from tests.workflows.conftest import add_workflow, start, wait_status

DATASOURCE_SECRET = "ds-password-5b1e9c"


def _everything_in(repository: Path) -> str:
    """Every object of a repository (all commits, trees, files, whatever the branch), decompressed."""
    done = subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=repository,
                          capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8", "replace")


def test_git_commits_and_clones_carry_no_datasource_secret_or_token(
    connected: Connected, instance: Instance, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    admin, app = connected.client, connected.app
    ws = first_workspace(admin)
    with caplog.at_level(logging.DEBUG):
        ds = admin.ok("POST", f"/api/v1/workspaces/{ws}/datasources", 201, json={
            "name": "Billing DB", "connector": "postgres", "configs": {"production": {
                "host": "db.example.com", "port": 5432, "database": "billing", "user": "app",
                "password": DATASOURCE_SECRET}}})
        admin.ok("POST", f"/api/v1/applications/{app}/actions", 201, json={
            "pageId": page_id(admin, app), "name": "getInvoices", "datasourceId": ds["id"],
            "config": {"sql": "select * from invoices"}})
        connected.git("commit", json={"message": "Invoices"})
        connected.git("push")
    clone = tmp_path / "cli"
    git("clone", "-q", "--mirror", connected.server.authed(connected.url), str(clone), cwd=tmp_path)
    pushed = _everything_in(clone)
    assert "getInvoices" in pushed and "Billing DB" in pushed  # the query and its datasource's name went out
    server_clone = instance.settings.data_dir / "git" / "clones" / f"{app}.git"
    kept = _everything_in(server_clone) + (server_clone / "config").read_text()
    for secret in (DATASOURCE_SECRET, connected.server.token):
        assert secret not in pushed and secret not in kept
        assert secret not in caplog.text


EXPOSED = """export default {
  async executeWorkflow(data) {
    await insertOrder.run({ customer: data.user, apiToken: data.apiToken, auth: { password: data.nested.password } });
    return data;
  }
}
"""


def test_workflow_run_records_mask_secret_inputs_and_step_arguments(
    admin: Api, wf: dict[str, Any], instance: Instance, caplog: pytest.LogCaptureFixture
) -> None:
    workflow = add_workflow(admin, wf, "Echo", EXPOSED)
    with caplog.at_level(logging.DEBUG):
        run = start(admin, wf, workflow, {"user": "ann", "apiToken": "s3cr3t-token", "nested": {"password": "pw-9f2"}})
        done = wait_status(admin, wf, run["id"], "succeeded", "failed")
    assert done["status"] == "succeeded", done
    assert run["input"] == {"user": "ann", "apiToken": "****", "nested": {"password": "****"}}
    assert done["output"] == {"user": "ann", "apiToken": "****", "nested": {"password": "****"}}
    [step] = done["steps"]
    assert step["args"]["params"] == {"customer": "ann", "apiToken": "****", "auth": {"password": "****"}}, step
    listed = admin.ok("GET", f"/api/v1/applications/{wf['app']['id']}/workflows/runs")
    with instance.app.state.runtime.db.session() as db:
        stored = [s.args for s in db.scalars(select(WorkflowStep).where(WorkflowStep.run_id == run["id"]))]
    for secret in ("s3cr3t-token", "pw-9f2", PG_PASSWORD):
        assert secret not in json.dumps([run, done, listed]) and secret not in json.dumps(stored)
        assert secret not in caplog.text


def test_the_edit_channel_carries_no_datasource_secret(
    server: RealtimeServer, application: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    admin = server.client("admin")
    ds = admin.post(f"/api/v1/workspaces/{application['workspace']}/datasources", json={
        "name": f"Secret DB {application['id']}", "connector": "postgres", "configs": {"production": {
            "host": "db.example.com", "port": 5432, "database": "billing", "user": "app", "password": DATASOURCE_SECRET}}})
    assert ds.status_code == 201, ds.text
    action = admin.post(f"/api/v1/applications/{application['id']}/actions", json={
        "pageId": application["page"], "name": "getInvoices", "datasourceId": ds.json()["id"],
        "config": {"sql": "select * from invoices"}})
    assert action.status_code == 201, action.text

    async def run() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        client = await YClient(ws_url(server.url, f"edit:{application['id']}"), cookie=server.cookies["developer"],
                               origin=server.url).connect()
        await client.wait_synced()
        await asyncio.sleep(0.6)  # past a fold: its answer too
        shared = client.json()
        await client.close()
        return shared, client.texts

    with caplog.at_level(logging.DEBUG):
        shared, texts = asyncio.run(run())
    assert action.json()["id"] in json.dumps(shared)  # the query is in the shared state
    assert DATASOURCE_SECRET not in json.dumps(shared) and DATASOURCE_SECRET not in json.dumps(texts)
    assert DATASOURCE_SECRET not in caplog.text
