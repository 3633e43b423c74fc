"""The engine's sandbox document: served with a policy that gives it an opaque origin and no way out.

What the policy achieves in a browser is tested in tests/security/test_binding_sandbox.py; these
check the server's side of it without one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lowcraft.app import create_app
from tests.conftest import Api, make_settings


@pytest.fixture
def client(tmp_path: Path, sqlite_database: str) -> Api:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "sandbox").mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Lowcraft SPA</title>")
    (dist / "sandbox" / "engine.html").write_text("<!doctype html><title>Lowcraft engine sandbox</title>")
    (dist / "assets" / "worker-3f9a1c.js").write_text("postMessage(1);")
    return Api(create_app(make_settings(tmp_path / "data", sqlite_database, web_dist=dist)), base_url="http://lowcraft.example:8080")


def directives(policy: str) -> dict[str, str]:
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in (p.strip() for p in policy.split(";"))}


def test_the_sandbox_document_gets_an_opaque_origin_and_reaches_nothing(client: Api) -> None:
    response = client.get("/sandbox/engine.html")
    assert response.status_code == 200 and "engine sandbox" in response.text
    policy = directives(response.headers["content-security-policy"])
    # No allow-same-origin: opaque even when the document is opened or framed some other way.
    assert policy["sandbox"] == "allow-scripts"
    assert policy["default-src"] == "'none'"
    # Apps' fetch() may reach HTTPS addresses (as in Appsmith), never plain HTTP; without cookies.
    assert policy["connect-src"] == "https:"
    assert policy["script-src"] == "http://lowcraft.example:8080/assets/ 'unsafe-eval'"
    assert policy["worker-src"] == "blob:"
    assert "frame-ancestors" not in policy, "viewers embedded elsewhere must still run their engine"
    assert response.headers["cache-control"] == "no-cache"


def test_a_host_header_cannot_add_directives(client: Api) -> None:
    response = client.get("/sandbox/engine.html", headers={"Host": "evil.example; script-src *"})
    assert response.status_code == 400
    # The refusal carries only the policy every non-page response gets, nothing from the Host.
    assert "evil.example" not in response.headers.get("content-security-policy", "")


def test_ipv6_hosts_are_accepted(client: Api) -> None:
    response = client.get("/sandbox/engine.html", headers={"Host": "[::1]:8080"})
    assert "script-src http://[::1]:8080/assets/ " in response.headers["content-security-policy"]


def test_assets_may_be_loaded_by_the_opaque_sandbox(client: Api) -> None:
    response = client.get("/assets/worker-3f9a1c.js", headers={"Origin": "null"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"


def test_a_client_built_without_the_sandbox_gets_a_clear_404(tmp_path: Path, sqlite_database: str) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Lowcraft SPA</title>")
    api = Api(create_app(make_settings(tmp_path / "data", sqlite_database, web_dist=dist)))
    response = api.get("/sandbox/engine.html")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_operator_chooses_what_fetch_may_reach(tmp_path: Path, sqlite_database: str) -> None:
    dist = tmp_path / "dist"
    (dist / "sandbox").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html>")
    (dist / "sandbox" / "engine.html").write_text("<!doctype html>")
    for chosen in ("'none'", "https://api.example.com https://*.example.org:8443"):
        settings = make_settings(tmp_path / "data", sqlite_database, web_dist=dist, sandbox_connect_src=chosen)
        api = Api(create_app(settings), base_url="http://lowcraft.example:8080")
        policy = directives(api.get("/sandbox/engine.html").headers["content-security-policy"])
        assert policy["connect-src"] == chosen


@pytest.mark.parametrize("bad", ["", "https:; script-src *", "'none' https:", "*", "'unsafe-inline'", "a,b"])
def test_a_connect_source_that_could_widen_the_policy_is_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="LOWCRAFT_SANDBOX_CONNECT_SRC"):
        make_settings(tmp_path / "data", None, sandbox_connect_src=bad)
