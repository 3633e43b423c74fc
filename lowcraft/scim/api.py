"""SCIM 2.0 routes at `/scim/v2` (RFC 7644): discovery, Users and Groups.

Answers are `application/scim+json`, and so are errors, in SCIM's error shape: `ScimRoute`
renders every failure of these routes - SCIM errors, bodies the schema refuses, and Lowcraft
errors from below - as `{"schemas": [...Error], "status", "scimType", "detail"}`. The routes
stay out of `/api/v1/openapi.json`: the protocol describes itself (`/ServiceProviderConfig`,
`/ResourceTypes`, `/Schemas`), and the web client never calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Error,
    ETag,
    Filter,
    ListResponse,
    Patch,
    ResourceType,
    ResponseParameters,
    Schema,
    ServiceProviderConfig,
    Sort,
)
from scim2_models import Context as ScimContext

from lowcraft.context import Context
from lowcraft.errors import LowcraftError
from lowcraft.http.deps import client_address, get_runtime
from lowcraft.http.errors import status_for
from lowcraft.scim import SCIM_PREFIX, service
from lowcraft.scim.errors import NotFoundException, SCIMException
from lowcraft.scim.handler import GroupResource, UserResource

MEDIA_TYPE = "application/scim+json"
DOCS = "https://datatracker.ietf.org/doc/html/rfc7644"


def scim_response(content: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(content, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def error_response(error: Error) -> JSONResponse:
    status = int(error.status or 400)
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if status == 401 else None
    return scim_response(error.model_dump(scim_ctx=ScimContext.DEFAULT, mode="json", exclude_none=True, by_alias=True),
                         status, headers)


def _error_of(exc: Exception) -> Error:
    if isinstance(exc, SCIMException):
        return exc.to_error()
    if isinstance(exc, ValidationError):
        return Error.from_validation_errors(exc)[0]
    if isinstance(exc, RequestValidationError):
        problems = exc.errors()
        detail = "The request body is not valid JSON." if any(p.get("type") == "json_invalid" for p in problems) \
            else "; ".join(str(p.get("msg", "")) for p in problems) or "Invalid request."
        return Error(status=400, scim_type="invalidSyntax", detail=detail)
    assert isinstance(exc, LowcraftError)
    status = status_for(exc)
    return Error(status=400 if status == 422 else status, detail=exc.message)


class ScimRoute(APIRoute):
    """A route whose failures are answered in SCIM's error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def scim_handler(request: Request) -> Response:
            try:
                return await handle(request)
            except (SCIMException, ValidationError, RequestValidationError, LowcraftError) as exc:
                return error_response(_error_of(exc))

        return scim_handler


def _scim_context(request: Request) -> Iterator[Context]:
    """The request's Context, for a caller with a provisioning token (no user: API tokens and
    session cookies open nothing here)."""
    runtime = get_runtime(request)
    with runtime.db.session() as db:
        ctx = Context(runtime=runtime, db=db, client_address=client_address(request),
                      user_agent=request.headers.get("user-agent", "")[:300], via="scim")
        service.authenticate(ctx, request.headers.get("authorization", ""))
        yield ctx


ScimCtx = Annotated[Context, Depends(_scim_context, scope="function")]
Payload = Annotated[dict[str, Any], Body()]

router = APIRouter(prefix=SCIM_PREFIX, route_class=ScimRoute, include_in_schema=False)


# -- discovery ----------------------------------------------------------------------------------


def service_provider_config(base_url: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=DOCS,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=service.MAX_PAGE),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=True),
        etag=ETag(supported=False),
        authentication_schemes=[AuthenticationScheme(
            type="oauthbearertoken", name="Provisioning token",
            description="A bearer token an instance administrator makes in Lowcraft's admin settings.",
            primary=True,
        )],
        meta={"resourceType": "ServiceProviderConfig", "location": f"{base_url}{SCIM_PREFIX}/ServiceProviderConfig"},
    )


def _resource_types(base_url: str) -> list[ResourceType]:
    types = []
    for model in (UserResource, GroupResource):
        resource_type = ResourceType.from_resource(model)
        resource_type.meta = {"resourceType": "ResourceType",  # type: ignore[assignment]
                              "location": f"{base_url}{SCIM_PREFIX}/ResourceTypes/{resource_type.id}"}
        types.append(resource_type)
    return types


def _schemas(base_url: str) -> list[Schema]:
    schemas = []
    models: list[Any] = [UserResource, GroupResource, *UserResource.get_extension_models().values()]
    for model in models:
        schema = model.to_schema()
        schema.meta = {"resourceType": "Schema", "location": f"{base_url}{SCIM_PREFIX}/Schemas/{schema.id}"}
        schemas.append(schema)
    return schemas


def _base(ctx: Context) -> str:
    return ctx.runtime.settings.base_url.rstrip("/")


def _dump(resource: Any, scim_ctx: ScimContext = ScimContext.RESOURCE_QUERY_RESPONSE, parameters: Any = None) -> dict[str, Any]:
    return dict(resource.model_dump(scim_ctx=scim_ctx, response_parameters=parameters))


def _listing(items: list[Any], model: Any) -> dict[str, Any]:
    listing = ListResponse[model](total_results=len(items), start_index=1, items_per_page=len(items), resources=items)
    return dict(listing.model_dump(scim_ctx=ScimContext.SEARCH_RESPONSE))


@router.get("/ServiceProviderConfig")
def get_service_provider_config(ctx: ScimCtx) -> Response:
    return scim_response(_dump(service_provider_config(_base(ctx))))


@router.get("/ResourceTypes")
def list_resource_types(ctx: ScimCtx) -> Response:
    return scim_response(_listing(_resource_types(_base(ctx)), ResourceType))


@router.get("/ResourceTypes/{type_id}")
def get_resource_type(type_id: str, ctx: ScimCtx) -> Response:
    for resource_type in _resource_types(_base(ctx)):
        if resource_type.id == type_id:
            return scim_response(_dump(resource_type))
    raise NotFoundException(detail=f"No resource type {type_id}.")


@router.get("/Schemas")
def list_schemas(ctx: ScimCtx) -> Response:
    return scim_response(_listing(_schemas(_base(ctx)), Schema))


@router.get("/Schemas/{schema_id}")
def get_schema(schema_id: str, ctx: ScimCtx) -> Response:
    for schema in _schemas(_base(ctx)):
        if schema.id == schema_id:
            return scim_response(_dump(schema))
    raise NotFoundException(detail=f"No schema {schema_id}.")


# -- users and groups ---------------------------------------------------------------------------


def _query(request: Request) -> dict[str, Any]:
    names = {"filter": "filter", "startIndex": "startIndex", "count": "count", "sortBy": "sortBy",
             "sortOrder": "sortOrder", "attributes": "attributes", "excludedAttributes": "excludedAttributes"}
    return {key: request.query_params.get(name) for key, name in names.items()}


def _parameters(request: Request, model: Any) -> Any:
    query = _query(request)
    chosen = {k: query[k] for k in ("attributes", "excludedAttributes") if query[k]}
    return ResponseParameters[model].model_validate(chosen) if chosen else None


def _location(resource: Any) -> dict[str, str]:
    return {"Location": str(resource.meta.location)} if resource.meta and resource.meta.location else {}


@router.get("/Users")
def list_users(request: Request, ctx: ScimCtx) -> Response:
    return scim_response(service.search(ctx, "Users", _query(request)))


@router.post("/Users/.search")
def search_users(payload: Payload, ctx: ScimCtx) -> Response:
    return scim_response(service.search(ctx, "Users", _search_body(payload)))


@router.post("/Groups/.search")
def search_groups(payload: Payload, ctx: ScimCtx) -> Response:
    return scim_response(service.search(ctx, "Groups", _search_body(payload)))


@router.post("/.search")
def search_everything(ctx: ScimCtx) -> Response:
    """Searching users and groups at once is optional (RFC 7644 section 3.4.3): 501, as the RFC asks."""
    return error_response(Error(status=501, detail="Search /Users/.search or /Groups/.search instead."))


def _search_body(payload: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in payload.items() if k != "schemas"}
    for key in ("attributes", "excludedAttributes"):
        if isinstance(body.get(key), list):
            body[key] = ",".join(str(v) for v in body[key])
    return body


@router.post("/Users")
def create_user(payload: Payload, request: Request, ctx: ScimCtx) -> Response:
    resource = service.create_user(ctx, payload)
    return scim_response(_dump(resource, ScimContext.RESOURCE_CREATION_RESPONSE, _parameters(request, UserResource)),
                         201, _location(resource))


@router.get("/Users/{user_id}")
def get_user(user_id: str, request: Request, ctx: ScimCtx) -> Response:
    return scim_response(_dump(service.get_user(ctx, user_id), parameters=_parameters(request, UserResource)))


@router.put("/Users/{user_id}")
def replace_user(user_id: str, payload: Payload, request: Request, ctx: ScimCtx) -> Response:
    resource = service.replace_user(ctx, user_id, payload)
    return scim_response(_dump(resource, ScimContext.RESOURCE_REPLACEMENT_RESPONSE, _parameters(request, UserResource)))


@router.patch("/Users/{user_id}")
def patch_user(user_id: str, payload: Payload, request: Request, ctx: ScimCtx) -> Response:
    resource = service.patch_user(ctx, user_id, payload)
    return scim_response(_dump(resource, ScimContext.RESOURCE_PATCH_RESPONSE, _parameters(request, UserResource)))


@router.delete("/Users/{user_id}", status_code=204)
def delete_user(user_id: str, ctx: ScimCtx) -> Response:
    service.delete_user(ctx, user_id)
    return Response(status_code=204)


@router.get("/Groups")
def list_groups(request: Request, ctx: ScimCtx) -> Response:
    return scim_response(service.search(ctx, "Groups", _query(request)))


@router.post("/Groups")
def create_group(payload: Payload, request: Request, ctx: ScimCtx) -> Response:
    resource = service.create_group(ctx, payload)
    return scim_response(_dump(resource, ScimContext.RESOURCE_CREATION_RESPONSE, _parameters(request, GroupResource)),
                         201, _location(resource))


@router.get("/Groups/{group_id}")
def get_group(group_id: str, request: Request, ctx: ScimCtx) -> Response:
    return scim_response(_dump(service.get_group(ctx, group_id), parameters=_parameters(request, GroupResource)))


@router.put("/Groups/{group_id}")
def replace_group(group_id: str, payload: Payload, request: Request, ctx: ScimCtx) -> Response:
    resource = service.replace_group(ctx, group_id, payload)
    return scim_response(_dump(resource, ScimContext.RESOURCE_REPLACEMENT_RESPONSE, _parameters(request, GroupResource)))


@router.patch("/Groups/{group_id}")
def patch_group(group_id: str, payload: Payload, request: Request, ctx: ScimCtx) -> Response:
    resource = service.patch_group(ctx, group_id, payload)
    return scim_response(_dump(resource, ScimContext.RESOURCE_PATCH_RESPONSE, _parameters(request, GroupResource)))


@router.delete("/Groups/{group_id}", status_code=204)
def delete_group(group_id: str, ctx: ScimCtx) -> Response:
    service.delete_group(ctx, group_id)
    return Response(status_code=204)


_DISCOVERY = ("ServiceProviderConfig", "ResourceTypes", "Schemas")


@router.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str, request: Request) -> Response:
    """Anything else under /scim/v2: 405 for a method a known endpoint lacks, else 404, in SCIM's shape."""
    first = rest.split("/", 1)[0]
    if first in (*_DISCOVERY, "Users", "Groups"):
        return error_response(Error(status=405, detail=f"{request.method} is not supported on /{rest}."))
    return error_response(Error(status=404, detail=f"Nothing at {SCIM_PREFIX}/{rest}."))
