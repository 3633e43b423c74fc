"""`lowcraft backup` and `lowcraft restore`: an instance comes back whole, or nothing changes."""

from __future__ import annotations

import base64
import json
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select

from lowcraft.audit.models import AuditEvent
from lowcraft.config import Settings
from lowcraft.ops import ArchiveCorrupted, OpsError, TargetNotEmpty, WrongPassphrase, backup, restore
from lowcraft.ops.sealed import SealedReader
from lowcraft.store.db import normalise_url
from tests.ops.conftest import FAST_SCRYPT, PASSPHRASE, new_key
from tests.ops.seed import DATASOURCE_PASSWORD, Seeded, client, datasource_password, exports, login, seed

Source = tuple[Settings, Seeded]


def make_archive(settings: Settings, **options: int) -> Path:
    return backup(settings, PASSPHRASE, scrypt_log2_n=options.get("scrypt_log2_n", FAST_SCRYPT)).path


def source_exports(settings: Settings, seeded: Seeded) -> dict[str, bytes]:
    with client(settings) as api:
        login(api)
        return exports(api, seeded.app_ids)


def store_tables(settings: Settings) -> list[str]:
    engine = create_engine(normalise_url(settings.resolved_database_url))
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_an_archive_lands_in_the_backups_folder_sealed_and_private(source: Source) -> None:
    settings, _ = source
    result = backup(settings, PASSPHRASE, scrypt_log2_n=FAST_SCRYPT)
    assert result.path.parent == settings.data_dir / "backups"
    assert oct(result.path.stat().st_mode & 0o777) == "0o600"
    assert result.rows["applications"] == 3 and result.rows["datasource_configs"] == 2
    raw = result.path.read_bytes()
    assert DATASOURCE_PASSWORD.encode() not in raw and b"Orders 0" not in raw  # nothing readable without the key
    assert not list((settings.data_dir / "backups").glob(".staging-*"))  # its scratch space is gone


def test_the_archive_holds_a_manifest_with_version_revision_counts_and_checksums(source: Source, tmp_path: Path) -> None:
    settings, _ = source
    archive = make_archive(settings)
    with archive.open("rb") as raw, tarfile.open(fileobj=SealedReader(raw, PASSPHRASE), mode="r|gz") as tar:  # type: ignore[call-overload]
        names = []
        for member in tar:
            names.append(member.name)
            if member.name == "manifest.json":
                manifest = json.load(tar.extractfile(member))  # type: ignore[arg-type]
    assert names[-1] == "manifest.json"
    assert manifest["lowcraftVersion"] and manifest["alembicRevision"]
    counts = {t["name"]: t["rows"] for t in manifest["tables"]}
    assert counts["applications"] == 3 and counts["users"] == 1 and "login_sessions" not in counts
    assert [t["name"] for t in manifest["tables"]].index("workspaces") < [t["name"] for t in manifest["tables"]].index("applications")
    kinds = {c["name"]: c["kind"] for t in manifest["tables"] if t["name"] == "applications" for c in t["columns"]}
    assert kinds["created_at"] == "datetime" and kinds["theme"] == "json" and kinds["is_public"] == "boolean"
    assert set(manifest["members"]) == set(names[:-1])
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())
    # The data directory's files travel; the store file, older archives and logs do not.
    assert {"files/files/shop.sqlite", "files/git/orders-app/README.md", "instance.key"} <= set(names)
    assert not [n for n in names if "lowcraft.db" in n or "backups/" in n or n == "files/secret.key"]


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_a_sqlite_instance_restored_serves_identical_apps_and_working_credentials(
    source: Source, target_factory: Callable[..., Settings], request: pytest.FixtureRequest, store: str
) -> None:
    settings, seeded = source
    before = source_exports(settings, seeded)
    archive = make_archive(settings)
    target = target_factory(request.getfixturevalue("empty_postgres") if store == "postgres" else None)

    result = restore(target, archive, PASSPHRASE)

    assert result.rows["applications"] == 3 and result.revision == result.archive_revision
    with client(target) as api:
        login(api)  # the password hash came back
        after = exports(api, seeded.app_ids)
        assert after == before  # byte for byte, minus the export time, on either store
        members = api.get(f"/api/v1/workspaces/{seeded.workspace_id}/members").json()
        assert [m["email"] for m in members["members"]] == ["admin@example.com"]
        audit = api.get(f"/api/v1/workspaces/{seeded.workspace_id}/audit-log").json()
        assert {"datasource.created", "application.imported", "application.published"} <= {
            e["action"] for e in audit["events"]
        }
        runtime = api.app.state.runtime  # type: ignore[attr-defined]
        assert datasource_password(runtime, seeded.datasource_id, "staging") == f"{DATASOURCE_PASSWORD}-staging"
    # The archived instance key became the target's, and the data files are back.
    assert (target.data_dir / "secret.key").read_bytes() == (settings.data_dir / "secret.key").read_bytes()
    assert oct((target.data_dir / "secret.key").stat().st_mode & 0o777) == "0o600"
    assert (target.data_dir / "files" / "shop.sqlite").read_bytes() == (settings.data_dir / "files" / "shop.sqlite").read_bytes()
    assert (target.data_dir / "git" / "orders-app" / "README.md").read_text() == "# Orders\n"


def test_sessions_are_not_restored_so_everyone_logs_in_again(
    source: Source, target_factory: Callable[..., Settings]
) -> None:
    settings, seeded = source
    archive = make_archive(settings)
    target = target_factory()
    restore(target, archive, PASSPHRASE)
    with client(target) as api:
        api.cookies.set("lowcraft_session", seeded.cookie)
        assert api.get("/api/v1/me").status_code == 401


def test_a_target_with_its_own_encryption_key_gets_the_secrets_resealed_under_it(
    source: Source, target_factory: Callable[..., Settings]
) -> None:
    settings, seeded = source
    archive = make_archive(settings)
    target = target_factory(encryption_key=new_key())

    result = restore(target, archive, PASSPHRASE)

    assert result.resealed == 2
    assert not (target.data_dir / "secret.key").exists()  # its key is the environment's, not the archive's
    with client(target) as api:
        runtime = api.app.state.runtime  # type: ignore[attr-defined]
        assert runtime.encryption_key == base64.b64decode(target.encryption_key or "")
        assert datasource_password(runtime, seeded.datasource_id, "production") == f"{DATASOURCE_PASSWORD}-production"


def _flip_middle(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


DAMAGE: dict[str, tuple[Callable[[bytes], bytes], type[OpsError], str]] = {
    "a flipped byte in the content": (_flip_middle, ArchiveCorrupted, "damaged"),
    "a flipped byte in the last frame": (lambda d: d[:-5] + bytes([d[-5] ^ 0x80]) + d[-4:], ArchiveCorrupted, "damaged"),
    "a flipped byte in the salt": (lambda d: d[:20] + bytes([d[20] ^ 0x01]) + d[21:], WrongPassphrase, "passphrase"),
    "a truncated end": (lambda d: d[: len(d) - 100], ArchiveCorrupted, "truncated"),
    "bytes appended": (lambda d: d + b"\x00" * 8, ArchiveCorrupted, "after its end"),
    "not an archive": (lambda d: b"PK\x03\x04 a zip file", ArchiveCorrupted, "not a Lowcraft backup"),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_archive_is_refused_and_the_target_is_untouched(
    source: Source, target_factory: Callable[..., Settings], tmp_path: Path, damage: str
) -> None:
    settings, _ = source
    archive = make_archive(settings)
    damaged = tmp_path / "damaged.lcbackup"
    alter, error, words = DAMAGE[damage]
    damaged.write_bytes(alter(archive.read_bytes()))
    target = target_factory()

    with pytest.raises(error, match=words):
        restore(target, damaged, PASSPHRASE)

    assert not target.data_dir.exists()  # no store file, no key, no files: nothing was written


def test_a_wrong_passphrase_is_refused_with_a_clear_message(
    source: Source, empty_postgres: str, target_factory: Callable[..., Settings]
) -> None:
    settings, _ = source
    archive = make_archive(settings)
    target = target_factory(empty_postgres)
    with pytest.raises(WrongPassphrase, match="passphrase does not open this archive"):
        restore(target, archive, PASSPHRASE + "!")
    assert store_tables(target) == []


def test_a_non_empty_target_is_refused_unless_forced_and_then_replaced(
    source: Source, empty_postgres: str, target_factory: Callable[..., Settings]
) -> None:
    settings, seeded = source
    before = source_exports(settings, seeded)
    archive = make_archive(settings)
    target = target_factory(empty_postgres)
    existing = seed(target, apps=1)

    with pytest.raises(TargetNotEmpty, match="--force"):
        restore(target, archive, PASSPHRASE)
    with client(target) as api:
        login(api)
        assert api.get(f"/api/v1/applications/{existing.app_ids[0]}").status_code == 200

    restore(target, archive, PASSPHRASE, force=True)
    with client(target) as api:
        login(api)
        assert api.get(f"/api/v1/applications/{existing.app_ids[0]}").status_code == 404
        assert exports(api, seeded.app_ids) == before


def test_restoring_twice_from_one_archive_gives_the_same_store(
    source: Source, target_factory: Callable[..., Settings]
) -> None:
    settings, _ = source
    archive = make_archive(settings)
    target = target_factory()
    first = restore(target, archive, PASSPHRASE)
    second = restore(target, archive, PASSPHRASE, force=True)
    assert first.rows == second.rows
    engine = create_engine(normalise_url(target.resolved_database_url))
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AuditEvent)) == first.rows["audit_events"]
    engine.dispose()


def test_the_default_key_derivation_round_trips(source: Source, target_factory: Callable[..., Settings]) -> None:
    settings, seeded = source
    archive = backup(settings, PASSPHRASE).path
    restore(target := target_factory(), archive, PASSPHRASE)
    with client(target) as api:
        login(api)
        assert len(exports(api, seeded.app_ids)) == 3
