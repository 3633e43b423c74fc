"""The one place where exceptions become HTTP responses: `{"error": {"code", "message", "details"}}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from lowcraft import errors

log = logging.getLogger("lowcraft.http")

# Most specific first: the first category an error belongs to decides its status.
STATUS_BY_CATEGORY: list[tuple[type[errors.LowcraftError], int]] = [
    (errors.TooManyRequests, 429),
    (errors.PayloadTooLarge, 413),
    (errors.ValidationFailed, 422),
    (errors.BadRequest, 400),
    (errors.NotAuthenticated, 401),
    (errors.PermissionDenied, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.ServiceUnavailable, 503),
]


def status_for(exc: errors.LowcraftError) -> int:
    for category, status in STATUS_BY_CATEGORY:
        if isinstance(exc, category):
            return status
    return 400


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def error_parts(exc: errors.LowcraftError) -> tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]:
    """Status, body and extra headers of the response to `exc`, for FastAPI and for raw ASGI alike."""
    headers = []
    if isinstance(exc, (errors.TooManyRequests, errors.ServiceUnavailable)):
        headers.append((b"retry-after", str(exc.retry_after).encode()))
    return status_for(exc), error_body(exc.code, exc.message, exc.details), headers


async def _lowcraft_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.LowcraftError)
    status, body, headers = error_parts(exc)
    return JSONResponse(body, status_code=status, headers={k.decode(): v.decode() for k, v in headers})


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = exc.errors()
    if any(p.get("type") == "json_invalid" for p in problems):
        return JSONResponse(error_body("malformed_json", "The request body is not valid JSON."), status_code=400)
    fields = [
        {"field": _field(tuple(p.get("loc", ()))), "message": p.get("msg", ""), "type": p.get("type", "")}
        for p in problems
    ]
    first = fields[0] if fields else {"field": "body", "message": "invalid"}
    if problems and problems[0].get("type") == "extra_forbidden":
        message = f"Unknown field '{first['field']}'."
    else:
        message = f"{first['field']}: {first['message']}"
    return JSONResponse(error_body("invalid_request", message, {"fields": fields}), status_code=422)


async def _model_error(_: Request, exc: Exception) -> JSONResponse:
    """A pydantic model checked inside a service (a stored document, settings): still a 422."""
    assert isinstance(exc, ValidationError)
    fields = [{"field": _field(tuple(p["loc"])), "message": p["msg"], "type": p["type"]} for p in exc.errors()]
    first = fields[0]
    return JSONResponse(
        error_body("invalid_value", f"{first['field']}: {first['message']}", {"fields": fields}), status_code=422
    )


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(exc.status_code, "http_error")
    return JSONResponse(
        error_body(code, str(exc.detail)), status_code=exc.status_code, headers=getattr(exc, "headers", None)
    )


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return JSONResponse(
        error_body("internal_error", "Something went wrong on the server; it has been logged."), status_code=500
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.LowcraftError, _lowcraft_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ValidationError, _model_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
