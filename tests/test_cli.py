"""The `lowcraft` command as an operator uses it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from starlette.routing import WebSocketRoute

import lowcraft as lowcraft_package
from lowcraft import __version__
from lowcraft.app import create_app
from lowcraft.cli import SERVE_WEBSOCKETS
from lowcraft.devserver import free_port, running_server, wait_ready
from tests.conftest import make_settings


def lowcraft(*args: str, data: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOWCRAFT_DATA_DIR": str(data), "LOWCRAFT_ARGON2_MEMORY_KIB": "1024"}
    return subprocess.run([sys.executable, "-m", "lowcraft.cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_version(tmp_path: Path) -> None:
    assert lowcraft("version", data=tmp_path).stdout.strip() == f"lowcraft {__version__}"


def test_migrate_creates_the_store_and_is_idempotent(tmp_path: Path) -> None:
    first = lowcraft("migrate", data=tmp_path)
    assert first.returncode == 0 and "(migrated)" in first.stdout
    assert (tmp_path / "lowcraft.db").exists()
    key = tmp_path / "secret.key"
    second = lowcraft("migrate", data=tmp_path)
    assert "(already current)" in second.stdout
    assert not key.exists() or oct(key.stat().st_mode & 0o777) == "0o600"


def test_create_admin_then_promote(tmp_path: Path) -> None:
    made = lowcraft("create-admin", "--email", "ops@example.com", "--password", "s3cret-enough", data=tmp_path)
    assert made.returncode == 0 and "created instance administrator ops@example.com" in made.stdout
    again = lowcraft("create-admin", "--email", "ops@example.com", data=tmp_path)
    assert "is now an instance administrator" in again.stdout
    weak = lowcraft("create-admin", "--email", "x@example.com", "--password", "short", data=tmp_path)
    assert weak.returncode == 2 and "at least 8 characters" in weak.stderr


def test_serve_help_lists_every_setting(tmp_path: Path) -> None:
    out = lowcraft("serve", "--help", data=tmp_path).stdout
    for variable in ("LOWCRAFT_DATA_DIR", "LOWCRAFT_DATABASE_URL", "LOWCRAFT_REDIS_URL", "LOWCRAFT_ENCRYPTION_KEY",
                     "LOWCRAFT_SIGNUP", "LOWCRAFT_ADMIN_EMAILS", "LOWCRAFT_BASE_URL", "LOWCRAFT_PORT"):
        assert variable in out


def test_serve_starts_on_an_empty_data_dir_and_creates_the_secret_key(tmp_path: Path) -> None:
    with running_server({"LOWCRAFT_DATA_DIR": str(tmp_path)}) as server:
        with urllib.request.urlopen(server.url + "/api/v1/ready") as response:
            assert json.load(response)["status"] == "ready"
    key = tmp_path / "secret.key"
    assert oct(key.stat().st_mode & 0o777) == "0o600"


def test_serve_writes_nothing_into_its_package_and_needs_no_bytecode_there(tmp_path: Path) -> None:
    """The image's package is compiled when it is built and never written at run time.

    Started from a copy of the package without any `.pyc` and with Python told not to write
    any, a server runs its migrations and answers, also from a route module it loads on first
    use; the copy is left exactly as it was.
    """
    install = tmp_path / "install"
    package = install / "lowcraft"
    shutil.copytree(Path(lowcraft_package.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = sorted(str(p.relative_to(package)) for p in package.rglob("*"))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(install), "PYTHONDONTWRITEBYTECODE": "1",
           "LOWCRAFT_DATA_DIR": str(tmp_path / "data"), "LOWCRAFT_PORT": str(port)}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "lowcraft.cli", "serve"], cwd=install, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, process, 60, log)
        with urllib.request.urlopen(url + "/api/v1/ready") as response:
            assert json.load(response)["status"] == "ready"
        # Route modules loaded on first use (lowcraft.app.LAZY_ROUTE_MODULES) load the same way.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "/api/v1/applications/x/git/status")
        assert refused.value.code == 401 and json.load(refused.value)["error"]["code"] == "not_authenticated"
    finally:
        process.terminate()
        process.wait(timeout=10)
    loaded = subprocess.run([sys.executable, "-c", "import lowcraft; print(lowcraft.__file__)"], cwd=install,
                            env=env, capture_output=True, text=True, check=True).stdout
    assert loaded.startswith(str(package)), loaded
    assert sorted(str(p.relative_to(package)) for p in package.rglob("*")) == before


def test_serve_loads_a_websocket_protocol_when_the_app_has_websocket_routes(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "data", "sqlite://"), migrate=False)
    app.state.runtime.close()
    has_websockets = any(
        isinstance(route, WebSocketRoute) or "websocket" in getattr(route, "scope_types", ()) for route in app.routes
    )
    assert has_websockets and SERVE_WEBSOCKETS == "lowcraft.http.websockets:LazyWebSocketProtocol"


def test_serve_upgrades_websockets_with_the_protocol_it_loads_on_first_use(tmp_path: Path) -> None:
    """uvicorn is handed a stand-in that loads the WebSocket library with the first upgrade: a
    real server's real-time endpoint answers over it (an anonymous caller is told to sign in)."""
    from websockets.sync.client import connect

    with running_server({"LOWCRAFT_DATA_DIR": str(tmp_path)}) as server:
        url = server.url.replace("http://", "ws://") + "/api/v1/ws?channel=view:nothing"
        with connect(url) as socket:
            error = json.loads(socket.recv(timeout=10))
    assert error["type"] == "error" and error["code"] in (4401, 4404)


def test_import_appsmith_reads_a_folder_and_prints_the_report(tmp_path: Path) -> None:
    from tests.appsmith.apps import inventory_app
    from tests.appsmith.builders import git_files

    folder = tmp_path / "repo"
    for name, data in git_files(inventory_app(), 4).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    data = tmp_path / "data"
    created = lowcraft("create-admin", "--email", "ops@example.com", "--password", "long-enough-password", data=data)
    assert created.returncode == 0, created.stderr
    workspaces = lowcraft("import-appsmith", str(folder), "--workspace", "nope", data=data)
    assert workspaces.returncode == 2 and "no workspace 'nope'" in workspaces.stderr
    import sqlite3

    with sqlite3.connect(data / "lowcraft.db") as db:
        [(workspace_id,)] = db.execute("select id from workspaces").fetchall()
    done = lowcraft("import-appsmith", str(folder), "--workspace", workspace_id, data=data)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("imported 'Inventory' as application ")
    assert "placeholder widget WhereMap (MAP_WIDGET) on page Products" in done.stdout
    assert "Fill in the connection details and credentials of 'Inventory PG' (postgres)" in done.stdout
    with sqlite3.connect(data / "lowcraft.db") as db:
        assert db.execute("select count(*) from pages").fetchone() == (2,)
        assert db.execute("select action from audit_events where action = 'application.imported'").fetchall()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    failed = lowcraft("import-appsmith", str(broken), "--workspace", workspace_id, data=data)
    assert failed.returncode == 2 and failed.stderr.startswith("error: ")


def test_export_as_files_check_and_import_round_trip_through_the_store(tmp_path: Path) -> None:
    from lowcraft.appmodel.file_tree import read_folder
    from tests.appmodel.test_file_tree import two_pages_document

    data = tmp_path / "data"
    created = lowcraft("create-admin", "--email", "ops@example.com", "--password", "long-enough-password", data=data)
    assert created.returncode == 0, created.stderr
    import sqlite3

    with sqlite3.connect(data / "lowcraft.db") as db:
        [(workspace_id,)] = db.execute("select id from workspaces").fetchall()
    source = tmp_path / "orders.json"
    source.write_text(json.dumps(two_pages_document()))
    first = lowcraft("import", str(source), "--workspace", workspace_id, data=data)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("imported 'Orders admin' as application ")
    assert "datasource 'Orders DB' (postgres): Created unconfigured: add its settings and credentials.\n" in first.stdout

    repo = tmp_path / "repo"
    exported = lowcraft("export", "orders-admin", str(repo / "orders"), "--layout", "files", data=data)
    assert exported.returncode == 0, exported.stderr
    tree = read_folder(repo / "orders")
    assert {"application.json", "pages/open/queries/getOrders.sql", "pages/paid/queries/getOrders.sql",
            "pages/open/js/Utils.js", "datasources/orders-db.json"} <= set(tree)
    checked = lowcraft("check", str(repo), data=data)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 file(s) checked: 0 error(s)" in checked.stdout

    again = lowcraft("import", str(repo / "orders"), "--workspace", workspace_id, "--name", "Orders copy", data=data)
    assert again.returncode == 0, again.stderr
    assert "datasource" not in again.stdout  # bound to the workspace's 'Orders DB': nothing to say
    copy_id = again.stdout.strip().splitlines()[0].split()[-1]
    second = lowcraft("export", copy_id, str(tmp_path / "copy"), "--layout", "files", data=data)
    assert second.returncode == 0, second.stderr
    copied = read_folder(tmp_path / "copy")
    assert {k: v for k, v in copied.items() if k != "application.json"} == {
        k: v for k, v in tree.items() if k != "application.json"}
    as_json = lowcraft("export", copy_id, "-", data=data)
    assert json.loads(as_json.stdout)["application"]["name"] == "Orders copy"
    with sqlite3.connect(data / "lowcraft.db") as db:
        assert db.execute("select count(*) from audit_events where action = 'application.exported'").fetchone() == (3,)

    # A broken page: check fails naming the file, import refuses and creates nothing.
    page_file = repo / "orders" / "pages" / "paid" / "page.json"
    page_file.write_text(page_file.read_text().replace('"rightColumn": 40', '"rightColumn": 90'))
    failed = lowcraft("check", str(repo / "orders"), "--format", "json", data=data)
    assert failed.returncode == 1
    [report] = json.loads(failed.stdout)["files"]
    assert report["failure"].startswith("pages/paid/page.json: ")
    refused = lowcraft("import", str(repo / "orders"), "--workspace", workspace_id, data=data)
    assert refused.returncode == 2 and refused.stderr.startswith("error: pages/paid/page.json: ")
    with sqlite3.connect(data / "lowcraft.db") as db:
        assert db.execute("select count(*) from applications").fetchone() == (2,)
    missing = lowcraft("export", "no-such-app", str(tmp_path / "x"), "--layout", "files", data=data)
    assert missing.returncode == 2 and "no application 'no-such-app'" in missing.stderr
