"""GET /metrics: what a Prometheus server scraping Lowcraft gets."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from lowcraft.app import create_app
from lowcraft.config import Settings
from lowcraft.metrics import observe_execution
from tests.conftest import Api, Instance, first_workspace


def scrape(client: TestClient, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def request_count(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], route: str, method: str, status: str) -> float:
    key = ("lowcraft_http_request_duration_seconds_count", (("method", method), ("route", route), ("status", status)))
    return samples.get(key, 0.0)


def test_request_latency_is_labelled_by_route_template_not_by_path(instance: Instance, admin: Api) -> None:
    workspace = first_workspace(admin)
    app_ids = [admin.ok("POST", f"/api/v1/workspaces/{workspace}/applications", 201, json={"name": f"A{i}"})["id"]
               for i in range(3)]
    for app_id in app_ids:
        admin.ok("GET", f"/api/v1/applications/{app_id}")
    admin.get("/api/v1/applications/does-not-exist")

    response = admin.get("/metrics")
    samples = scrape(admin)

    assert request_count(samples, "/api/v1/applications/{application_id}", "GET", "2xx") == 3
    assert request_count(samples, "/api/v1/applications/{application_id}", "GET", "4xx") == 1
    assert request_count(samples, "/api/v1/workspaces/{workspace_id}/applications", "POST", "2xx") == 3
    assert not any(app_id in response.text for app_id in app_ids)  # ids never become label values
    bucket = ("lowcraft_http_request_duration_seconds_bucket",
              (("le", "+Inf"), ("method", "GET"), ("route", "/api/v1/applications/{application_id}"), ("status", "2xx")))
    assert samples[bucket] == 3


def test_action_executions_are_counted_by_connector_and_outcome(instance: Instance, admin: Api) -> None:
    before = scrape(admin)
    observe_execution("postgres", "success", 0.012)
    observe_execution("postgres", "success", 0.3)
    observe_execution("rest", "timeout", 10.0)
    after = scrape(admin)

    def count(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], connector: str, outcome: str) -> float:
        return samples.get(("lowcraft_action_execution_seconds_count",
                            (("connector", connector), ("outcome", outcome))), 0.0)

    assert count(after, "postgres", "success") - count(before, "postgres", "success") == 2
    assert count(after, "rest", "timeout") - count(before, "rest", "timeout") == 1


def test_store_pool_use_is_reported(instance: Instance, admin: Api) -> None:
    samples = scrape(admin)
    assert samples[("lowcraft_db_pool_size", ())] >= 1
    assert 0 <= samples[("lowcraft_db_pool_checked_out", ())] <= samples[("lowcraft_db_pool_size", ())]


def test_a_metrics_token_keeps_anonymous_scrapers_out(settings_factory: Callable[..., Settings]) -> None:
    app = create_app(settings_factory(metrics_token="scrape-me"), migrate=False)
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert ("lowcraft_db_pool_size", ()) in scrape(client, Authorization="Bearer scrape-me")


def test_without_a_token_metrics_are_open_and_not_in_the_api_schema(instance: Instance) -> None:
    client = instance.anonymous()
    assert client.get("/metrics").status_code == 200
    assert "/metrics" not in client.get("/api/v1/openapi.json").json()["paths"]
