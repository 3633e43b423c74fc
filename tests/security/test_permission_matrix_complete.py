"""Security, permission matrix: the one caller `tests/test_permission_matrix.py` leaves out.

The matrix gives every route a status for anonymous callers, App Viewers, Developers, workspace
administrators and members of another workspace. The instance administrator is the fifth kind of
caller the security suite names; they administer every workspace, so for every row of the matrix
they must get what the workspace administrator gets, unless a row is listed below as theirs alone.
Running every row as them catches a route that forgets them (a 403 or 404 where the workspace
administrator is let in) or one that lets them further than intended.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import CSRF, PASSWORD, Api
from tests.test_permission_matrix import MATRIX, ROLES, Body, World, send, template, world

__all__ = ["template", "world"]  # the matrix's fixtures, shared

# (method, path) -> status, where the instance administrator is answered unlike the workspace's.
INSTANCE_ADMINISTRATOR_DIFFERS: dict[tuple[str, str], int] = {
    ("PUT", "/api/v1/workspaces/{ws}/private-networks"): 200,  # the instance administrator's call alone
    ("GET", "/api/v1/admin/settings"): 200,  # instance settings are theirs alone
    ("PATCH", "/api/v1/admin/settings"): 200,
    # Sign-in providers and the password switch are the instance administrator's alone.
    ("GET", "/api/v1/admin/sign-in"): 200,
    ("PUT", "/api/v1/admin/sign-in/settings"): 200,
    ("POST", "/api/v1/admin/sign-in/providers"): 201,
    ("PATCH", "/api/v1/admin/sign-in/providers/{provider}"): 200,
    ("DELETE", "/api/v1/admin/sign-in/providers/{provider}"): 204,
    # The 2FA requirement and provisioning are the instance administrator's alone.
    ("GET", "/api/v1/admin/two-factor"): 200,
    ("PUT", "/api/v1/admin/two-factor"): 200,
    ("GET", "/api/v1/admin/scim/tokens"): 200,
    ("POST", "/api/v1/admin/scim/tokens"): 201,
    ("DELETE", "/api/v1/admin/scim/tokens/{token}"): 404,  # the id of an API token is no provisioning token
    ("GET", "/api/v1/admin/scim/group-mappings"): 200,
    ("POST", "/api/v1/admin/scim/group-mappings"): 201,
    ("DELETE", "/api/v1/admin/scim/group-mappings/{token}"): 404,
}


def test_the_matrix_names_every_kind_of_workspace_caller() -> None:
    assert set(ROLES) == {"anonymous", "viewer", "developer", "administrator", "outsider"}
    assert all(set(expected) == set(ROLES) for _, _, _, expected in MATRIX)


def _cases() -> list[Any]:
    cases = []
    for method, path, body, expected in MATRIX:
        status = INSTANCE_ADMINISTRATOR_DIFFERS.get((method, path), expected["administrator"])
        label = f"{method} {path} {body if isinstance(body, dict) else ''} as instance administrator"
        cases.append(pytest.param(method, path, body, status, id=label))
    return cases


@pytest.mark.parametrize(("method", "path", "body", "status"), _cases())
def test_the_instance_administrator_is_answered_as_the_table_says(
    world: World, method: str, path: str, body: Body, status: int
) -> None:
    root = Api(world.clients["anonymous"].app, headers=CSRF)
    signed_in = root.post("/api/v1/auth/login", json={"email": "root@example.com", "password": PASSWORD})
    assert signed_in.status_code == 200 and signed_in.json()["isInstanceAdmin"] is True
    url = path.format(**world.ids)
    payload = body(world.ids) if callable(body) else body
    response = send(root, method, url, payload)
    assert response.status_code == status, f"instance administrator {method} {url}: {response.status_code} {response.text}"
    if status >= 400:
        error = response.json()["error"]
        assert error["code"] and error["message"]
