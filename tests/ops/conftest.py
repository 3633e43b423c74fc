"""Instances for the operations tests: a seeded one on SQLite, empty targets on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lowcraft.config import Settings
from tests.conftest import make_settings
from tests.ops.seed import Seeded, seed
from tests.servers import postgres_url, throwaway_postgres

PASSPHRASE = "tr0ub4dor & 3 spaces"
# Lower than the default (2^17) so the suite stays fast; one test covers the default.
FAST_SCRYPT = 12


@pytest.fixture
def source(tmp_path: Path) -> tuple[Settings, Seeded]:
    """A seeded SQLite instance with files in its data directory."""
    settings = make_settings(tmp_path / "source")
    seeded = seed(settings)
    (settings.data_dir / "files").mkdir(exist_ok=True)
    (settings.data_dir / "files" / "shop.sqlite").write_bytes(bytes(range(256)) * 40)
    (settings.data_dir / "git" / "orders-app").mkdir(parents=True)
    (settings.data_dir / "git" / "orders-app" / "README.md").write_text("# Orders\n")
    (settings.data_dir / "backups" / "older.lcbackup").write_bytes(b"an older archive, not to be archived again")
    return settings, seeded


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database (no tables at all), dropped afterwards."""
    with throwaway_postgres("lowcraft_ops") as name:
        yield postgres_url(name)


@pytest.fixture
def target_factory(tmp_path: Path) -> Callable[..., Settings]:
    """Settings of a fresh target instance: its own data directory, the given store and overrides."""
    def build(database_url: str | None = None, **overrides: Any) -> Settings:
        return make_settings(tmp_path / f"target-{secrets.token_hex(3)}", database_url, **overrides)

    return build


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()
