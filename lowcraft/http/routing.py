"""API routes that build their request and response models when first used, not at import."""

from __future__ import annotations

import importlib
import re
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from fastapi.routing import APIRoute
from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, Match, NoMatchFound, compile_path, get_name
from starlette.types import ASGIApp, Receive, Scope, Send

_COMPILED_PATH = frozenset({"path_regex", "path_format", "param_convertors"})


def _is_v1_model_class(cls: Any) -> bool:
    v1 = sys.modules.get("pydantic.v1")
    return v1 is not None and isinstance(cls, type) and issubclass(cls, v1.BaseModel)


def _is_v1_model_instance(value: Any) -> bool:
    v1 = sys.modules.get("pydantic.v1")
    return v1 is not None and isinstance(value, v1.BaseModel)


# FastAPI refuses pydantic v1 models, and to recognise one it imports `pydantic.v1` (the whole
# legacy package: 15-20 ms of CPU and 1.5 MB) when it builds its first route or encodes its first
# value, so on the path of the first request. A v1 model cannot exist before `pydantic.v1` is
# imported: these checks look there first, and FastAPI still refuses any v1 model once something
# loaded it (tests/http/test_routing.py). Each name is replaced only where FastAPI has it: these
# are FastAPI's private modules, laid out differently across the versions pyproject.toml allows.
for _module_name, _name, _check in (
    ("fastapi._compat.shared", "is_pydantic_v1_model_class", _is_v1_model_class),
    ("fastapi._compat.shared", "is_pydantic_v1_model_instance", _is_v1_model_instance),
    ("fastapi._compat", "is_pydantic_v1_model_instance", _is_v1_model_instance),
    ("fastapi.encoders", "is_pydantic_v1_model_instance", _is_v1_model_instance),
):
    try:
        _module = importlib.import_module(_module_name)
    except ImportError:
        continue
    if hasattr(_module, _name):
        setattr(_module, _name, _check)


class DeferredRoute(APIRoute):
    """An `APIRoute` whose FastAPI set-up (dependencies, body and response models) waits for first use.

    Building the routes' pydantic validators and serializers at import was about 75 ms of the
    0.35 s a server start spends in Lowcraft's own code (bench/startup.py), for some 70 routes of
    which a session uses a handful. Until something needs more, a deferred route holds what
    matching a request and `url_path_for` read (path, name, methods, compiled path); the first
    read of anything else (its handler, its OpenAPI description) runs the full `APIRoute` set-up.
    Requests and OpenAPI generation run on the event loop's thread, so that happens once.
    The path's regular expression is compiled when a request is first matched against it (some
    120 routes' patterns were about 4 ms of every start).
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        self._deferred: tuple[str, Callable[..., Any], dict[str, Any]] | None = (path, endpoint, options)
        self.path = path
        self.endpoint = endpoint
        name = options.get("name")
        self.name = get_name(endpoint) if name is None else name
        self.methods = {method.upper() for method in options.get("methods") or ["GET"]}
        self.include_in_schema = options.get("include_in_schema", True)

    def __getattr__(self, attribute: str) -> Any:
        # Only reached for attributes not set yet: everything but the matching essentials.
        if attribute in _COMPILED_PATH:
            self.path_regex, self.path_format, self.param_convertors = compile_path(self.path)
            return getattr(self, attribute)
        deferred = self.__dict__.get("_deferred")
        if deferred is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {attribute!r}")
        self._deferred = None
        path, endpoint, options = deferred
        APIRoute.__init__(self, path, endpoint, **options)
        return getattr(self, attribute)

    def build(self) -> DeferredRoute:
        """Finish the set-up now (tests check every route this way)."""
        self.dependant  # noqa: B018 - reading it runs the deferred set-up
        return self


class LazyRoutes(BaseRoute):
    """Every path under `prefix`, answered by an ASGI app (a router) loaded on the first request.

    For a protocol whose routes stay out of the API document and whose libraries cost start-up
    time out of proportion to their use (SCIM's resource models): the module loads when an
    identity provider first calls, not when the server starts. The real-time WebSocket
    (`scope_types` with "websocket") loads pycrdt with its first connection the same way.
    """

    def __init__(self, prefix: str, load: Callable[[], ASGIApp], scope_types: tuple[str, ...] = ("http",)) -> None:
        self.prefix = prefix.rstrip("/")
        self.scope_types = scope_types
        self._load = load
        self._app: ASGIApp | None = None
        self._lock = threading.Lock()

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")
        if scope["type"] in self.scope_types and (path == self.prefix or path.startswith(self.prefix + "/")):
            return Match.FULL, {}
        return Match.NONE, {}

    def _loaded(self) -> ASGIApp:
        app = self._app
        if app is None:
            with self._lock:
                if self._app is None:
                    self._app = self._load()
                app = self._app
        return app

    @property
    def routes(self) -> list[BaseRoute]:
        """The loaded app's routes when it is a router (SCIM's), for whatever lists the app's
        routes (`LowcraftApp.routes`); reading them loads it."""
        return list(getattr(self._loaded(), "routes", []))

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._loaded()(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        raise NoMatchFound(name, path_params)  # its routes are not named in the app's table


_SEGMENT = re.compile(r"\{[^}/]*\}")


class LazyAPIRoutes(BaseRoute):
    """A group of the API's own routes (a router's `routes`), imported with the first request to
    one of its `prefixes`, and in the API document like any other route.

    For route modules a session rarely needs (Git sync, versions, workflows and their triggers,
    instance administration): their handlers, services, schemas and ORM models cost start-up time
    and idle memory out of proportion to their use (bench/startup.py). A prefix is a path
    template whose `{parameters}` match one segment (`/api/v1/applications/{id}/git`); it covers
    itself and every path below it, and must cover every route of the group (tested). For any other
    path the group answers "no match" at once, without importing anything. Under its prefixes, it
    loads its routes if need be and matches the request as they would in its place (a full match
    first, then a method mismatch, for the 405); the route found handles it.

    Reading `routes` loads the group: `LowcraftApp.routes` lists every group's routes that way, so
    the OpenAPI document and anything else enumerating the app's routes sees them all, while a
    server's start and its requests elsewhere never import them.
    """

    def __init__(self, prefixes: Sequence[str], load: Callable[[], Sequence[BaseRoute]]) -> None:
        self.prefixes = tuple(prefix.rstrip("/") for prefix in prefixes)
        alternatives = (_SEGMENT.sub("[^/]+", re.escape(prefix).replace("\\{", "{").replace("\\}", "}"))
                        for prefix in self.prefixes)
        self._pattern = re.compile("(?:" + "|".join(alternatives) + ")(?:/|$)")
        self._load = load
        self._routes: list[BaseRoute] | None = None
        self._lock = threading.Lock()

    def covers(self, path: str) -> bool:
        """Whether `path` (a request's path or a route's template) is under one of the prefixes."""
        return self._pattern.match(path) is not None

    @property
    def loaded(self) -> bool:
        return self._routes is not None

    @property
    def routes(self) -> list[BaseRoute]:
        routes = self._routes
        if routes is None:
            with self._lock:
                if self._routes is None:
                    self._routes = list(self._load())
                routes = self._routes
        return routes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # One pattern for the group, loaded or not: every route of it is under its prefixes.
        if scope["type"] != "http" or not self.covers(scope.get("path", "")):
            return Match.NONE, {}
        partial: tuple[Match, Scope] = (Match.NONE, {})
        for route in self.routes:
            match, child_scope = route.matches(scope)
            if match == Match.FULL:
                return match, {**child_scope, "route": route}
            if match == Match.PARTIAL and partial[0] == Match.NONE:
                partial = (match, {**child_scope, "route": route})
        return partial

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["route"].handle(scope, receive, send)  # the route `matches` put in the scope

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)
