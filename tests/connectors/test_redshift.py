"""Amazon Redshift over PostgreSQL's wire protocol, against the local PostgreSQL (issue 17).

What differs from PostgreSQL is what is tested: no RETURNING, no arrays (an array bound to one
value is JSON text), structure from the SVV_ views or else information_schema, and IAM sign-in
with temporary credentials from the Redshift API (moto's server, a real HTTP endpoint).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy, PoolManager
from lowcraft.datasources.checks import check_datasource, datasource_structure
from tests.connectors.conftest import aws_client
from tests.servers import POSTGRES_URL, postgres_url

pytestmark = pytest.mark.anyio


@pytest.fixture
def warehouse(pg_database: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The test database as a Redshift datasource, with a `sales` table of three rows."""
    with psycopg.connect(postgres_url(pg_database["database"]), autocommit=True) as db:
        db.execute("drop table if exists sales")
        db.execute("create table sales (id int primary key, region text not null, amount numeric(10, 2))")
        db.execute("insert into sales values (1, 'eu', 10.50), (2, 'us', 20), (3, 'eu', 5)")
    yield {**pg_database, "sslmode": "prefer"}


@pytest.fixture
def run(warehouse: dict[str, Any], policy: InstancePolicy, pools: PoolManager) -> Any:
    async def run(sql: str, params: dict[str, Any] | None = None, config: dict[str, Any] | None = None) -> Any:
        return await execute_action("redshift", config or warehouse, {"sql": sql}, params or {},
                                    datasource_id="ds-redshift", policy=policy, pools=pools)

    return run


async def test_bound_values_lists_and_arrays_as_json_text(run: Any) -> None:
    eu = await run("select id from sales where region = {{Select1.value}} order by id", {"Select1.value": "eu"})
    assert eu["body"] == [{"id": 1}, {"id": 3}], eu
    listed = await run("select id from sales where id in {{ids}} order by id", {"ids": [2, 3]})
    assert listed["body"] == [{"id": 2}, {"id": 3}]
    none = await run("select id from sales where region in {{regions}}", {"regions": []})
    assert none["body"] == []
    # Redshift has no arrays: an array bound to one value arrives as JSON text.
    as_json = await run("select {{filters}}::text as filters", {"filters": [1, "eu"]})
    assert as_json["body"] == [{"filters": '[1, "eu"]'}]


async def test_a_write_with_returning_is_refused_before_anything_is_written(run: Any) -> None:
    refused = await run("insert into sales values (4, 'ap', 1) returning id")
    assert refused["error"]["code"] == "bad_parameters", refused
    assert "RETURNING" in refused["error"]["message"] and "second query" in refused["error"]["hint"]
    count = await run("select count(*) as n from sales")
    assert count["body"] == [{"n": 3}]
    # The word elsewhere (a column, a select) is no RETURNING clause.
    read = await run("select 'returning customers' as label")
    assert read["isExecutionSuccess"], read


async def test_the_structure_falls_back_to_information_schema_where_there_are_no_svv_views(
    warehouse: dict[str, Any], policy: InstancePolicy
) -> None:
    structure = await datasource_structure("redshift", warehouse, policy=policy)
    sales = next(t for t in structure["tables"] if t["name"] == "sales")
    assert [c["name"] for c in sales["columns"]] == ["id", "region", "amount"]


@pytest.fixture
def iam_user(moto_server: dict[str, Any], warehouse: dict[str, Any]) -> Iterator[str]:
    """A cluster in moto's Redshift API and the database role its temporary credentials name."""
    user = f"lc_iam_{secrets.token_hex(3)}"
    aws_client("redshift", moto_server).create_cluster(
        ClusterIdentifier=f"warehouse-{user.replace('_', '-')}", NodeType="ra3.xlplus", MasterUsername="admin",
        MasterUserPassword="Admin-Password-1",
    )
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'create role "IAM:{user}" login')
    with psycopg.connect(postgres_url(warehouse["database"]), autocommit=True) as db:
        db.execute(f'grant select on all tables in schema public to "IAM:{user}"')
    yield user
    with psycopg.connect(postgres_url(warehouse["database"]), autocommit=True) as db:
        db.execute(f'revoke all on all tables in schema public from "IAM:{user}"')
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'drop role "IAM:{user}"')


async def test_iam_sign_in_uses_temporary_credentials_for_the_db_user(
    run: Any, warehouse: dict[str, Any], moto_server: dict[str, Any], iam_user: str, policy: InstancePolicy
) -> None:
    config = {
        **warehouse, "authentication": "iam", "user": iam_user,
        "cluster_identifier": f"warehouse-{iam_user.replace('_', '-')}",
        "access_key_id": moto_server["access_key_id"], "secret_access_key": moto_server["secret_access_key"],
        "api_endpoint_url": moto_server["endpoint_url"], "region": moto_server["region"],
    }
    tested = await check_datasource("redshift", config, policy=policy)
    assert tested["ok"], tested
    assert f"IAM:{iam_user}" in tested["message"]
    who = await run("select current_user as who, count(*) as n from sales", config=config)
    assert who["body"] == [{"who": f"IAM:{iam_user}", "n": 3}], who["error"]
    assert moto_server["secret_access_key"] not in str(who)

    unknown = await check_datasource("redshift", {**config, "cluster_identifier": "no-such-cluster"}, policy=policy)
    assert unknown["ok"] is False and unknown["code"] == "query_failed", unknown
    assert "cluster" in unknown["message"]


async def test_iam_without_keys_is_refused_by_name(warehouse: dict[str, Any], policy: InstancePolicy) -> None:
    tested = await check_datasource("redshift", {**warehouse, "authentication": "iam"}, policy=policy)
    assert tested["code"] == "bad_parameters" and "cluster identifier" in tested["message"], tested
