"""Deferred routes: set up on first use, and then the same as FastAPI's own routes; lazy groups of
routes: loaded with the first request under their prefixes, listed with the app's routes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel
from starlette.routing import BaseRoute, Route

from lowcraft.app import LAZY_ROUTE_MODULES, create_app
from lowcraft.http.routing import DeferredRoute, LazyAPIRoutes
from tests.conftest import make_settings


class Thing(BaseModel):
    id: int
    label: str


class NewLabel(BaseModel):
    label: str


def read_thing(thing_id: int, verbose: bool = False) -> Thing:
    """Read one thing."""
    return Thing(id=thing_id, label="verbose" if verbose else "plain")


def relabel(thing_id: int, body: NewLabel) -> Thing:
    return Thing(id=thing_id, label=body.label)


def app_with(route_class: type[APIRoute]) -> FastAPI:
    app = FastAPI()
    app.router.routes.append(route_class("/things/{thing_id}", read_thing, methods=["GET"], tags=["things"]))
    app.router.routes.append(route_class("/things/{thing_id}", relabel, methods=["PUT"], status_code=201))
    return app


def test_a_deferred_route_builds_its_models_on_its_first_request_only() -> None:
    app = app_with(DeferredRoute)
    reading, writing = app.router.routes[-2:]
    assert "dependant" not in vars(reading) and "dependant" not in vars(writing)
    assert "path_regex" not in vars(reading) and "path_regex" not in vars(writing)  # compiled when matched
    client = TestClient(app)
    assert client.get("/things/7", params={"verbose": "true"}).json() == {"id": 7, "label": "verbose"}
    assert "dependant" in vars(reading) and "dependant" not in vars(writing)
    assert "path_regex" not in vars(writing)  # the first route answered: the second was not matched
    assert app.url_path_for("relabel", thing_id=3) == "/things/3"
    assert client.put("/things/3", json={"label": "new"}).status_code == 201
    refused = client.put("/things/x", json={})
    assert refused.status_code == 422
    assert {error["loc"][-1] for error in refused.json()["detail"]} == {"thing_id", "label"}
    assert client.post("/things/3").status_code == 405


def test_deferred_routes_describe_themselves_as_fastapi_routes_do() -> None:
    assert app_with(DeferredRoute).openapi() == app_with(APIRoute).openapi()


def test_every_lowcraft_route_builds(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "data", "sqlite://"), migrate=False)
    deferred = [route for route in app.routes if isinstance(route, DeferredRoute)]
    assert len(deferred) > 50
    for route in deferred:
        assert route.build().dependant.call is route.endpoint
    paths = app.openapi()["paths"]
    assert all(route.path_format in paths for route in deferred if route.include_in_schema)
    app.state.runtime.close()


def test_a_lazy_group_loads_its_routes_with_the_first_request_under_its_prefixes() -> None:
    loads: list[int] = []

    def load() -> list[BaseRoute]:
        loads.append(1)
        return app_with(DeferredRoute).router.routes[-2:]

    app = FastAPI()
    app.router.routes.append(LazyAPIRoutes(["/things/{thing_id}"], load))
    client = TestClient(app)
    assert client.get("/thingsx/7").status_code == 404
    assert loads == []  # a path outside the prefixes loads nothing
    assert client.get("/things/7").json() == {"id": 7, "label": "plain"}
    assert client.put("/things/3", json={"label": "new"}).status_code == 201
    assert client.post("/things/3").status_code == 405  # the routes' own answer to a wrong method
    assert client.get("/things/3/more").status_code == 404  # under a prefix, but no route of the group
    assert loads == [1]
    assert app.url_path_for("relabel", thing_id=3) == "/things/3"


def test_lowcraft_lazy_groups_list_their_routes_and_their_prefixes_cover_those_alone(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "data", "sqlite://"), migrate=False)
    groups = [route for route in app.router.routes if isinstance(route, LazyAPIRoutes)]
    assert len(groups) == len(LAZY_ROUTE_MODULES) and not any(group.loaded for group in groups)
    eager = [route.path for route in app.router.routes if isinstance(route, (Route, APIRoute))]
    listed = [route.path for route in app.routes if isinstance(route, APIRoute)]
    for group in groups:
        paths = [route.path for route in group.routes]  # reading them loads the group
        assert paths and all(group.covers(path) for path in paths)  # each reachable before the group loads
        assert not any(group.covers(path) for path in eager)  # no eager route loads a group it is not in
        assert set(paths) <= set(listed)  # the app lists them where the group stands


def test_a_pydantic_v1_model_is_still_refused_once_something_loaded_pydantic_v1() -> None:
    """FastAPI's check for v1 models no longer imports `pydantic.v1` itself (lowcraft.http.routing);
    a v1 model, which needs that package loaded, is refused as before."""
    script = """
import sys, warnings
from lowcraft.http.routing import DeferredRoute
from fastapi.exceptions import PydanticV1NotSupportedError
print("pydantic.v1" in sys.modules)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pydantic import v1
class Old(v1.BaseModel):
    x: int
def read() -> dict:
    return {}
try:
    DeferredRoute("/old", read, methods=["GET"], response_model=Old).build()
except PydanticV1NotSupportedError:
    print("refused")
"""
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert shown == ["False", "refused"]
