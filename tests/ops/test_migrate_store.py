"""`lowcraft migrate-store`: an instance moves from its SQLite store to PostgreSQL and carries on."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lowcraft.config import Settings
from lowcraft.http.deps import SESSION_COOKIE
from lowcraft.ops import OpsError, TargetNotEmpty, migrate_store
from tests.ops.seed import DATASOURCE_PASSWORD, Seeded, client, datasource_password, exports, login, seed

Source = tuple[Settings, Seeded]


def on_store(settings: Settings, database_url: str) -> Settings:
    """The same instance (data directory, key) pointed at another store."""
    return settings.model_copy(update={"database_url": database_url})


def test_the_instance_carries_on_from_postgresql_with_its_apps_sessions_and_secrets(
    source: Source, empty_postgres: str
) -> None:
    settings, seeded = source
    with client(settings) as api:
        login(api)
        before = exports(api, seeded.app_ids)

    result = migrate_store(settings, empty_postgres)

    assert result.rows["applications"] == 3 and result.rows["login_sessions"] >= 1
    moved = on_store(settings, empty_postgres)
    with client(moved) as api:
        api.cookies.set(SESSION_COOKIE, seeded.cookie)
        assert api.get("/api/v1/me").json()["email"] == "admin@example.com"  # still logged in
        assert exports(api, seeded.app_ids) == before
        runtime = api.app.state.runtime  # type: ignore[attr-defined]
        assert datasource_password(runtime, seeded.datasource_id, "production") == f"{DATASOURCE_PASSWORD}-production"


def test_a_target_holding_data_is_refused_and_keeps_it(
    source: Source, empty_postgres: str, target_factory: Callable[..., Settings]
) -> None:
    settings, _ = source
    other = target_factory(empty_postgres)
    existing = seed(other, apps=1)
    with pytest.raises(TargetNotEmpty):
        migrate_store(settings, empty_postgres)
    with client(other) as api:
        login(api)
        assert api.get(f"/api/v1/applications/{existing.app_ids[0]}").status_code == 200


def test_the_current_store_is_not_a_target(source: Source) -> None:
    settings, _ = source
    with pytest.raises(OpsError, match="current store"):
        migrate_store(settings, settings.resolved_database_url)
