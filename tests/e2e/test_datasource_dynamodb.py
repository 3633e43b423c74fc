"""A DynamoDB datasource made, tested and browsed through the editor, and a query run on it (issue 17).

The datasource form, the query form and the structure all come from the connector's schemas;
nothing in the client knows DynamoDB. The table lives in moto's server, a real HTTP endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.e2e.test_editor import sign_up
from tests.servers import free_port


@pytest.fixture
def dynamodb() -> Iterator[str]:
    """moto's DynamoDB on 127.0.0.1 with an `orders` table holding three orders."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("dynamodb", endpoint_url=endpoint, aws_access_key_id="e2e", aws_secret_access_key="e2e-secret",
                          region_name="eu-west-1")
    client.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"}, {"AttributeName": "n", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for n, (customer, status) in enumerate([("Ada", "open"), ("Ada", "shipped"), ("Grace", "open")]):
        client.put_item(TableName="orders", Item={"customer": {"S": customer}, "n": {"N": str(n)}, "status": {"S": status}})
    yield endpoint
    server.stop()


def test_a_developer_connects_dynamodb_browses_it_and_queries_it(page: Any, dynamodb: str, screenshots: Any) -> None:
    try:
        connect_and_query(page, dynamodb, screenshots)
    except Exception:
        screenshots.take(page, "failure")
        raise


def connect_and_query(page: Any, endpoint: str, screenshots: Any) -> None:
    page.set_default_timeout(15_000)
    sign_up(page, "Dev", "dev@example.com")
    page.locator('select[aria-label="Workspace"], button:has-text("Create a workspace")').first.wait_for()
    if page.get_by_role("button", name="Create a workspace").count() > 0:
        page.get_by_role("button", name="Create a workspace").click()
    else:
        page.get_by_label("Workspace", exact=True).select_option("__new__")
    page.get_by_role("dialog").get_by_label("Name").fill("Acme")
    page.get_by_role("dialog").get_by_role("button", name="Create").click()
    page.get_by_role("button", name=re.compile("new application", re.IGNORECASE)).click()
    page.get_by_role("dialog").get_by_label("Name").fill("Orders")
    page.get_by_role("dialog").get_by_role("button", name="Create").click()
    page.locator('[data-app="Orders"]').get_by_role("button", name="Edit").click()
    page.locator('[data-grid-id="0"]').wait_for()

    page.get_by_role("tab", name="Explorer").click()
    page.get_by_role("button", name="Add datasource").click()
    page.locator('[data-connector="dynamodb"]').click()
    page.get_by_label("Datasource name").fill("Orders table")
    page.get_by_label("Region", exact=True).fill("eu-west-1")
    page.get_by_label("Endpoint url", exact=True).fill(endpoint)
    page.get_by_label("Access key id", exact=True).fill("e2e")
    # A wrong-looking config is refused by name before anything is saved.
    page.get_by_label("Region", exact=True).fill("eu west 1")
    page.get_by_role("button", name="Test production connection").click()
    failed = page.locator('[data-test-outcome="failed"][data-test-environment="production"]')
    failed.wait_for()
    assert "region" in failed.inner_text()
    page.get_by_label("Region", exact=True).fill("eu-west-1")
    page.get_by_label("Secret access key", exact=True).fill("e2e-secret")
    page.get_by_role("button", name="Test production connection").click()
    page.locator('[data-test-outcome="ok"][data-test-environment="production"]').wait_for()
    screenshots.take(page, "datasource-tested")
    page.get_by_role("button", name="Save").click()
    structure = page.get_by_role("region", name="Structure")
    structure.get_by_text("orders").first.wait_for()
    screenshots.take(page, "structure")
    assert "e2e-secret" not in page.content()  # the saved secret comes back masked
    page.get_by_role("button", name="← Canvas").click()

    # A query built in the connector's form: Ada's orders, the customer bound from an expression.
    page.get_by_role("tab", name="Explorer").click()
    page.get_by_role("button", name="Add query").click()
    page.get_by_label("Query name").and_(page.locator('[value="Query1"]')).wait_for()
    page.get_by_label("Query name").fill("adaOrders")
    page.get_by_label("Query name").press("Enter")
    page.locator('[data-explorer-query="adaOrders"]').wait_for()
    query = page.get_by_label("Query editor")
    query.get_by_label("Table", exact=True).fill("orders")
    query.get_by_label("Key condition expression", exact=True).fill("customer = :c")
    query.get_by_label("Expression values", exact=True).fill('{":c": {{"A" + "da"}}}')
    page.get_by_role("button", name="Run", exact=True).click()
    success = page.locator('[data-execution="success"]')
    success.wait_for()
    assert "2 rows" in success.inner_text()
    response = page.get_by_role("region", name="Response")
    response.get_by_text("shipped").first.wait_for()
    screenshots.take(page, "query-run")
