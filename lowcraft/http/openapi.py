"""What the API says about itself in `/api/v1/openapi.json`: response models and error responses.

Every `/api/v1` route names a response model (a subclass of `Out`), so its document shows the
shape a client reads, and FastAPI serialises through the model: a field that is not declared
never reaches a response, whatever the route's dict holds. The web client's types are generated
from this document (`web/src/api/generated.ts`), and `tests/http/test_openapi.py` fails when a
route lacks a model, a description or its error responses.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Out(BaseModel):
    """Base of response models: fields carry the camelCase names the JSON has (`alias`).

    Their validators are built on first use, as `DeferredRoute` builds routes: building the ~45
    response models at import cost about 10 ms of each server start (32 -> 22 ms of CPU to import
    them here).
    """

    model_config = ConfigDict(populate_by_name=True, defer_build=True)


class ErrorDetail(Out):
    code: str = Field(description="Stable machine-readable code, e.g. `not_found` or `invalid_request`.")
    message: str = Field(description="A sentence for people.")
    details: dict[str, Any] = Field(description="Extra facts about the error, e.g. `fields` of a 422.")


class ErrorBody(Out):
    """Every error response of the API (see `lowcraft.http.errors`)."""

    error: ErrorDetail


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The request is malformed (for example, its body is not JSON) or breaks a rule about its content.",
    401: "The caller must log in or send a valid API token.",
    403: "The caller's role does not allow this.",
    404: "The target does not exist, or the caller may not know that it exists.",
    409: "The request clashes with the current state (a duplicate name, a stale revision).",
    413: "The request body is larger than the instance accepts.",
    422: "A value in the request is not acceptable; `details.fields` says which.",
    429: "Too many attempts; retry after the `Retry-After` header's seconds.",
    503: "A service the instance depends on is unreachable; retry after the `Retry-After` header's seconds.",
}

# Groups of statuses routes share; a route adds what else it can answer (409, 429, 503).
PARAMS = (422,)
"""A route with path or query parameters: a value the schema refuses."""
BODY = (400, 413, 422)
"""A route with a JSON body: not JSON, over the edge's size limit, or a value the schema refuses."""
MEMBER = (401, 403, 404)
"""A route behind a permission check: not signed in, the role does not allow it, no such target."""


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: `ErrorBody` under each status it can answer with."""
    return {status: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[status]} for status in sorted(set(statuses))}
