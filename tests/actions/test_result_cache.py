"""Query results cached per action (issue 17): opt-in, for a time, by bound values and environment,
forgotten when the action or its datasource changes, shared through Redis when one is configured."""

from __future__ import annotations

import secrets
from typing import Any

import psycopg
import pytest

from lowcraft.actions import result_cache
from lowcraft.cache import open_store
from tests.actions.conftest import run
from tests.conftest import Api
from tests.servers import REDIS_URL, require_redis

OPEN = {"Select1.selectedOptionValue": "open"}


def set_status(pg: dict[str, Any], customer: str, status: str) -> None:
    with psycopg.connect(host=pg["host"], user="postgres", dbname=pg["database"], autocommit=True) as c:
        c.execute("update orders set status = %s where customer = %s", (status, customer))


def customers(result: dict[str, Any]) -> list[str]:
    assert result["isExecutionSuccess"], result
    return [row["customer"] for row in result["body"]]


def cache_for(admin: Api, action_id: str, seconds: int) -> None:
    admin.ok("PATCH", f"/api/v1/actions/{action_id}", json={"settings": {"runOnPageLoad": True, "cacheSeconds": seconds}})


def test_results_are_not_cached_unless_the_action_asks(admin: Api, setup: dict[str, Any], orders_db: dict[str, Any]) -> None:
    action = setup["action"]["id"]
    assert customers(run(admin, action, OPEN)) == ["Ada", "Cy"]
    set_status(orders_db, "Ada", "paid")
    fresh = run(admin, action, OPEN)
    assert customers(fresh) == ["Cy"] and "cached" not in fresh


def test_a_cached_result_is_served_for_the_same_values_and_environment(
    admin: Api, setup: dict[str, Any], orders_db: dict[str, Any]
) -> None:
    action = setup["action"]["id"]
    cache_for(admin, action, 60)
    assert customers(run(admin, action, OPEN)) == ["Ada", "Cy"]
    set_status(orders_db, "Ada", "paid")
    again = run(admin, action, OPEN)
    assert customers(again) == ["Ada", "Cy"] and again["cached"] is True
    # Other values are another result; another environment is another cache.
    assert customers(run(admin, action, {"Select1.selectedOptionValue": "paid"})) == ["Ada", "Bob"]
    admin.ok("PATCH", f"/api/v1/datasources/{setup['ds']['id']}", json={"configs": {"staging": orders_db}})
    assert customers(run(admin, action, OPEN, environment="staging")) == ["Cy"]


def test_changing_the_action_or_its_datasource_forgets_what_was_cached(
    admin: Api, setup: dict[str, Any], orders_db: dict[str, Any]
) -> None:
    action = setup["action"]["id"]
    cache_for(admin, action, 60)
    assert customers(run(admin, action, OPEN)) == ["Ada", "Cy"]
    set_status(orders_db, "Ada", "paid")
    admin.ok("PATCH", f"/api/v1/actions/{action}", json={
        "config": {"sql": "select id, customer from orders where status = {{Select1.selectedOptionValue}} order by id"}})
    changed = run(admin, action, OPEN)
    assert customers(changed) == ["Cy"] and "cached" not in changed
    set_status(orders_db, "Cy", "paid")
    admin.ok("PATCH", f"/api/v1/datasources/{setup['ds']['id']}", json={
        "configs": {"production": {**orders_db, "connect_timeout_seconds": 7}}})
    assert customers(run(admin, action, OPEN)) == []


def test_failures_are_not_cached(admin: Api, setup: dict[str, Any], orders_db: dict[str, Any]) -> None:
    action = setup["action"]["id"]
    cache_for(admin, action, 60)
    with psycopg.connect(host=orders_db["host"], user="postgres", dbname=orders_db["database"], autocommit=True) as c:
        c.execute("alter table orders rename to orders_away")
    assert run(admin, action, OPEN)["isExecutionSuccess"] is False
    with psycopg.connect(host=orders_db["host"], user="postgres", dbname=orders_db["database"], autocommit=True) as c:
        c.execute("alter table orders_away rename to orders")
    assert customers(run(admin, action, OPEN)) == ["Ada", "Cy"]


@pytest.mark.parametrize("seconds", [-1, 86_401, "soon"])
def test_a_cache_time_out_of_range_is_refused_and_changes_nothing(admin: Api, setup: dict[str, Any], seconds: Any) -> None:
    action = setup["action"]["id"]
    refused = admin.patch(f"/api/v1/actions/{action}", json={"settings": {"cacheSeconds": seconds}})
    assert refused.status_code == 422, refused.text
    assert "cacheSeconds" in refused.text
    assert admin.ok("GET", f"/api/v1/actions/{action}")["settings"]["cacheSeconds"] == 0


def test_through_redis_every_replica_reads_what_one_cached() -> None:
    require_redis()
    one, other = open_store(REDIS_URL), open_store(REDIS_URL)
    key = result_cache.cache_key(f"action-{secrets.token_hex(4)}", "view", "production", "v1", {"q": "Ada"})
    result = {"isExecutionSuccess": True, "body": [{"customer": "Ada"}], "durationMs": 3.0}
    assert result_cache.read(other, key) is None
    result_cache.write(one, key, result, 30)
    assert result_cache.read(other, key) == result
    assert 0 < other.ttl(key) <= 30
    other.delete(key)
