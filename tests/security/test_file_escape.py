"""Datasources that open local files stay in their workspace's folder (issue 11, finding 2).

A developer of one workspace is hostile here: through a datasource's path, or through the SQL it
runs, they try to read the instance's store, write files where the server reads its settings,
probe which files exist, and open another workspace's files. Every file-backed connector (one
declaring `file_path_field`) is attacked through its path; those that speak SQL also through SQL.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lowcraft.config import Settings
from lowcraft.connectors import registry
from tests.apps.test_applications import default_page, make_app
from tests.conftest import Api, Instance, first_workspace

# The store's backend plays no part here: one is enough.
one_store = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

FILE_BACKED = [name for name in registry.names() if registry.get(name).file_path_field]
FILE_BACKED_SQL = [name for name in FILE_BACKED if registry.get(name).sql_dialect is not None]


def test_sqlite_is_known_as_file_backed() -> None:
    assert "sqlite" in FILE_BACKED_SQL


@dataclass
class World:
    """Two workspaces of one developer; the other workspace keeps a secret in its own file."""

    instance: Instance
    admin: Api
    mine: str
    theirs: str
    root: Path
    their_file: Path
    store_file: Path
    app: dict[str, Any]
    page: dict[str, Any]

    def datasource(self, type_name: str, path: str, workspace: str | None = None) -> str:
        connector = registry.get(type_name)
        assert connector.samples is not None and connector.file_path_field is not None
        config = {**connector.samples.connection, connector.file_path_field: path}
        created = self.admin.ok("POST", f"/api/v1/workspaces/{workspace or self.mine}/datasources", 201, json={
            "name": f"ds {path}"[:100], "connector": type_name, "configs": {"production": config}})
        return str(created["id"])

    def test(self, datasource: str) -> dict[str, Any]:
        return self.admin.ok("POST", f"/api/v1/datasources/{datasource}/test")  # type: ignore[no-any-return]

    def run(self, datasource: str, sql: str) -> dict[str, Any]:
        action = self.admin.ok("POST", f"/api/v1/applications/{self.app['id']}/actions", 201, json={
            "pageId": self.page["id"], "name": f"q{abs(hash(sql)) % 10**8}", "datasourceId": datasource,
            "config": {"sql": sql}})
        return self.admin.ok("POST", f"/api/v1/actions/{action['id']}/execute",  # type: ignore[no-any-return]
                             json={"params": {}, "mode": "edit"})


@pytest.fixture
def world(instance: Instance, admin: Api) -> World:
    settings: Settings = instance.settings
    root = settings.sqlite_root_paths[0]
    theirs = admin.ok("POST", "/api/v1/workspaces", 201, json={"name": "Another team"})["id"]
    their_file = root / theirs / "payroll.db"
    their_file.parent.mkdir(parents=True)
    with sqlite3.connect(their_file) as db:
        db.execute("create table salaries (name text, amount integer)")
        db.execute("insert into salaries values ('Ada', 123456)")
    app = make_app(admin)
    store_file = Path(settings.resolved_database_url.removeprefix("sqlite:///"))
    return World(instance, admin, first_workspace(admin), theirs, root, their_file, store_file,
                 app, default_page(admin, app["id"]))


def refused(result: dict[str, Any]) -> bool:
    error = result.get("error") or {}
    return result.get("isExecutionSuccess") is False and error.get("code") == "file_not_allowed"


# --- a fresh instance -------------------------------------------------------------------------


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED)
def test_a_fresh_instance_creates_a_datasource_file_in_the_workspace_folder(world: World, type_name: str) -> None:
    assert not (world.root / world.mine).exists()  # nothing has made the folder yet
    by_name = world.test(world.datasource(type_name, "orders.db"))
    assert by_name["ok"] is True, by_name
    assert (world.root / world.mine / "orders.db").is_file()
    by_full_path = world.test(world.datasource(type_name, str(world.root / world.mine / "stock.db")))
    assert by_full_path["ok"] is True, by_full_path


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED_SQL)
def test_a_file_created_by_name_is_the_one_queries_use(world: World, type_name: str) -> None:
    ds = world.datasource(type_name, "orders.db")
    assert world.run(ds, "create table orders (id integer primary key, total real)")["isExecutionSuccess"]
    with sqlite3.connect(world.root / world.mine / "orders.db") as db:
        assert db.execute("select name from sqlite_master").fetchall() == [("orders",)]


# --- paths ------------------------------------------------------------------------------------


def _escaping_paths(world: World) -> dict[str, str]:
    mine = world.root / world.mine
    mine.mkdir(parents=True, exist_ok=True)
    (mine / "theirs.db").symlink_to(world.their_file)
    (mine / "store.db").symlink_to(world.store_file)
    (mine / "up").symlink_to(world.root)
    return {
        "another workspace's file": str(world.their_file),
        "../ into another workspace": str(mine / ".." / world.theirs / world.their_file.name),
        "a relative ../": f"../{world.theirs}/{world.their_file.name}",
        "a symlink to another workspace's file": "theirs.db",
        "a symlinked folder": f"up/{world.theirs}/{world.their_file.name}",
        "a symlink to the store": "store.db",
        "the store": str(world.store_file),
        "the workspace folder itself": str(mine),
    }


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED)
def test_a_datasource_path_cannot_leave_the_workspace_folder(world: World, type_name: str) -> None:
    for what, path in _escaping_paths(world).items():
        outcome = world.test(world.datasource(type_name, path))
        assert (outcome["ok"], outcome["code"]) == (False, "file_not_allowed"), what
        if not Path(path).is_absolute():  # the message names the path as given, not where it led
            assert str(world.root) not in outcome["message"], what


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED_SQL)
def test_queries_of_a_datasource_pointing_elsewhere_are_refused(world: World, type_name: str) -> None:
    ds = world.datasource(type_name, str(world.their_file))
    result = world.run(ds, "select * from salaries")
    assert refused(result) and "123456" not in str(result)


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED)
def test_another_workspace_cannot_use_my_folder_by_name(world: World, type_name: str) -> None:
    world.test(world.datasource(type_name, "shared-name.db"))
    theirs = world.datasource(type_name, "shared-name.db", workspace=world.theirs)
    assert world.test(theirs)["ok"] is True
    assert (world.root / world.mine / "shared-name.db").is_file()
    assert (world.root / world.theirs / "shared-name.db").is_file()


# --- SQL that names files ---------------------------------------------------------------------


@pytest.fixture
def own(world: World) -> str:
    """A datasource on a file of my own workspace, with a table."""
    (world.root / world.mine).mkdir(parents=True, exist_ok=True)
    ds = world.datasource("sqlite", str(world.root / world.mine / "mine.db"))
    assert world.run(ds, "create table t (id integer)")["isExecutionSuccess"]
    return ds


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED_SQL)
def test_attaching_the_store_is_refused(world: World, own: str, type_name: str) -> None:
    result = world.run(own, f"ATTACH DATABASE '{world.store_file}' AS store")
    assert refused(result), result


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED_SQL)
def test_attaching_another_workspaces_file_is_refused(world: World, own: str, type_name: str) -> None:
    assert refused(world.run(own, f"ATTACH '{world.their_file}' AS theirs"))
    assert refused(world.run(own, f"ATTACH 'file:{world.their_file}?mode=ro' AS theirs"))
    assert refused(world.run(own, f"ATTACH '../{world.theirs}/' || '{world.their_file.name}' AS theirs"))


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED_SQL)
def test_vacuum_into_writes_nothing_anywhere(world: World, own: str, type_name: str, tmp_path: Path) -> None:
    targets = [tmp_path / "outside.db", world.root / world.theirs / "planted.db", world.root / world.mine / "copy.db"]
    for target in targets:
        assert refused(world.run(own, f"VACUUM INTO '{target}'")), target
        assert not target.exists()
    env_file = tmp_path / ".env"
    assert refused(world.run(own, f"VACUUM INTO '{tmp_path}/' || '.env'"))
    assert not env_file.exists()
    assert world.run(own, "VACUUM")["isExecutionSuccess"]  # compacting its own file is fine


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED_SQL)
def test_attach_cannot_probe_whether_a_file_exists(world: World, own: str, type_name: str, tmp_path: Path) -> None:
    existing, missing = world.their_file, tmp_path / "missing.db"
    answers = [world.run(own, f"ATTACH '{path}' AS probe")["error"] for path in (existing, missing)]
    assert answers[0] == answers[1] and answers[0]["code"] == "file_not_allowed"
    assert not missing.exists()


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED_SQL)
def test_detach_is_refused(world: World, own: str, type_name: str) -> None:
    assert refused(world.run(own, "DETACH DATABASE main"))


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED_SQL)
def test_extensions_cannot_be_loaded(world: World, own: str, type_name: str, tmp_path: Path) -> None:
    library = tmp_path / "evil.so"
    library.write_bytes(b"\x7fELF")
    assert refused(world.run(own, f"SELECT load_extension('{library}')"))
    assert refused(world.run(own, f"SELECT LOAD_EXTENSION('{library}', 'entry')"))


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED_SQL)
@pytest.mark.parametrize("pragma", [
    "PRAGMA temp_store_directory = '/tmp'",
    "PRAGMA TEMP_STORE_DIRECTORY",
    "PRAGMA database_list",
    "SELECT * FROM pragma_database_list",
    "PRAGMA writable_schema = ON",
    "PRAGMA mmap_size = 1000000",
    "PRAGMA main.locking_mode = EXCLUSIVE",
])
def test_pragmas_that_touch_files_or_show_paths_are_refused(world: World, own: str, type_name: str, pragma: str) -> None:
    result = world.run(own, pragma)
    assert refused(result), result
    assert str(world.root) not in str(result["body"])


@one_store
@pytest.mark.parametrize("type_name", FILE_BACKED_SQL)
def test_schema_pragmas_and_the_structure_still_work(world: World, own: str, type_name: str) -> None:
    info = world.run(own, "PRAGMA table_info('t')")
    assert info["isExecutionSuccess"] and [c["name"] for c in info["body"]] == ["id"]
    assert world.run(own, "PRAGMA foreign_keys = ON")["isExecutionSuccess"]
    structure = world.admin.ok("GET", f"/api/v1/datasources/{own}/structure")
    assert structure["ok"] and [t["name"] for t in structure["tables"]] == ["t"]


# --- settings -----------------------------------------------------------------------------------


def test_a_dotenv_in_the_working_directory_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOWCRAFT_ENV_FILE", raising=False)
    monkeypatch.delenv("LOWCRAFT_PORT", raising=False)
    (tmp_path / ".env").write_text("LOWCRAFT_PORT=1234\nLOWCRAFT_ADMIN_EMAILS=mallory@example.com\n")
    settings = Settings()
    assert (settings.port, settings.admin_emails) == (8080, "")


def test_only_an_env_file_named_outside_the_datasource_folders_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOWCRAFT_PORT", raising=False)
    monkeypatch.setenv("LOWCRAFT_DATA_DIR", str(tmp_path / "data"))
    named = tmp_path / "lowcraft.env"
    named.write_text("LOWCRAFT_PORT=1234\n")
    monkeypatch.setenv("LOWCRAFT_ENV_FILE", str(named))
    assert Settings().port == 1234
    planted = tmp_path / "data" / "files" / "ws1" / "lowcraft.env"
    planted.parent.mkdir(parents=True)
    planted.write_text("LOWCRAFT_PORT=1234\n")
    monkeypatch.setenv("LOWCRAFT_ENV_FILE", str(planted))
    with pytest.raises(ValueError, match="where datasources may write files"):
        Settings()
    monkeypatch.setenv("LOWCRAFT_ENV_FILE", str(tmp_path / "missing.env"))
    with pytest.raises(ValueError, match="not a file"):
        Settings()
