"""The HTTP edge: error shapes, body limits, CSRF, docs, health, the web client and logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from lowcraft.app import create_app
from lowcraft.logs import JsonFormatter
from tests.conftest import CSRF, Api, make_settings


@pytest.fixture
def small(tmp_path: Path, sqlite_database: str) -> Iterator[Api]:
    """An instance on SQLite that accepts bodies up to 2 KB."""
    app = create_app(make_settings(tmp_path / "data", sqlite_database, max_body_mb=0.002))
    yield Api(app, headers=CSRF)


def test_a_body_over_the_limit_gets_413_before_it_is_read(small: Api) -> None:
    response = small.post("/api/v1/auth/login", content=b"{" + b" " * 5000 + b"}",
                          headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "0.002 MB" in response.json()["error"]["message"]


def test_a_streamed_body_over_the_limit_gets_413(small: Api) -> None:
    chunks = (b" " * 1000 for _ in range(5))
    response = small.post("/api/v1/auth/login", content=chunks, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "payload_too_large", "message": "The request body is larger than the 0.002 MB this instance accepts.",
        "details": {}}


def test_unsafe_requests_without_the_csrf_header_are_refused(small: Api) -> None:
    response = small.post("/api/v1/workspaces", json={"name": "x"}, headers={"X-Requested-By": ""})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_header_missing"


@pytest.mark.parametrize(("body", "status", "code"), [
    (b"{not json", 400, "malformed_json"),
    (b'{"email": "a@b.io", "password": "x", "extra": 1}', 422, "invalid_request"),
    (b'{"email": 5}', 422, "invalid_request"),
    (b"[]", 422, "invalid_request"),
])
def test_malformed_requests_get_a_clear_4xx(small: Api, body: bytes, status: int, code: str) -> None:
    response = small.post("/api/v1/auth/login", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_every_response_carries_a_request_id(small: Api) -> None:
    assert small.get("/api/v1/health").headers["x-request-id"]
    assert small.get("/api/v1/health", headers={"X-Request-Id": "abc123"}).headers["x-request-id"] == "abc123"


def test_openapi_and_docs_are_served(small: Api) -> None:
    spec = small.get("/api/v1/openapi.json").json()
    assert "/api/v1/applications/{application_id}/publish" in spec["paths"]
    assert small.get("/api/docs").status_code == 200


def test_health_is_live_and_ready_checks_the_store(small: Api, tmp_path: Path) -> None:
    assert small.get("/api/v1/health").json() == {"status": "ok"}
    assert small.get("/api/v1/ready").json()["status"] == "ready"
    unmigrated = Api(create_app(make_settings(tmp_path / "d2", f"sqlite:///{tmp_path / 'empty.db'}"), migrate=False))
    response = unmigrated.get("/api/v1/ready")
    assert response.status_code == 503 and response.json()["checks"]["database"] == "migrations pending"


def test_large_responses_are_compressed(small: Api) -> None:
    response = small.get("/api/v1/widgets", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["widgets"]) > 20


def test_unknown_api_paths_get_a_json_404(small: Api) -> None:
    for method in ("GET", "POST", "DELETE"):
        response = small.request(method, "/api/v1/no/such/thing")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.fixture
def with_web_client(tmp_path: Path, sqlite_database: str) -> Api:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Lowcraft SPA</title>")
    (dist / "assets" / "index-3f9a1c.js").write_text("console.log('x');" * 200)
    (dist / "favicon.svg").write_text("<svg/>")
    return Api(create_app(make_settings(tmp_path / "data", sqlite_database, web_dist=dist)))


def test_the_web_client_is_served_with_spa_fallback(with_web_client: Api) -> None:
    for path in ("/", "/app/orders/page1", "/workspaces/abc/settings"):
        response = with_web_client.get(path)
        assert response.status_code == 200 and "Lowcraft SPA" in response.text
        assert response.headers["cache-control"] == "no-cache"
    assert with_web_client.get("/favicon.svg").text == "<svg/>"


def test_hashed_assets_are_cached_forever_and_compressed(with_web_client: Api) -> None:
    response = with_web_client.get("/assets/index-3f9a1c.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert response.headers["content-encoding"] == "gzip"
    assert with_web_client.get("/assets/missing.js").status_code == 404


def test_paths_cannot_escape_the_web_client_folder(with_web_client: Api) -> None:
    response = with_web_client.get("/..%2F..%2Fetc%2Fpasswd")
    assert "root:" not in response.text


def test_json_logs_carry_the_request_fields(small: Api, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="lowcraft.access"):
        small.get("/api/v1/health", headers={"X-Request-Id": "req-42"})
    [record] = [r for r in caplog.records if r.name == "lowcraft.access"]
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "req-42" and entry["status"] == 200 and entry["path"] == "/api/v1/health"
    assert entry["duration_ms"] >= 0 and entry["level"] == "info"


def test_a_streamed_body_over_the_limit_gets_413_on_the_execute_route_too(small: Api) -> None:
    # Action execution is served ahead of FastAPI (lowcraft.http.fast_execute); the limit holds there.
    chunks = (b" " * 1000 for _ in range(5))
    response = small.post("/api/v1/actions/some-action/execute", content=chunks,
                          headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
