"""Routes: an application's JS libraries (Developers), and their code for the engine (viewers)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Response
from pydantic import Field, field_validator

from lowcraft.appmodel.models import JsLibrary
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx
from lowcraft.http.openapi import BODY, MEMBER, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body
from lowcraft.jslibs import service
from lowcraft.jslibs.errors import LibraryNotFound
from lowcraft.jslibs.schemas import FetchedLibrary, JsLibraryList, JsLibraryOut, LibraryCode

router = APIRouter(prefix=API_PREFIX, tags=["js-libraries"], route_class=DeferredRoute)

_SHA256 = re.compile(r"[0-9a-f]{64}")


class LibraryFetch(Body):
    url: str = Field(min_length=1, max_length=2000)


class LibraryInstall(Body):
    url: str = Field(min_length=1, max_length=2000)
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    accessor: list[str] = Field(max_length=20)
    name: str | None = Field(None, max_length=100)
    version: str | None = Field(None, max_length=100)

    @field_validator("accessor")
    @classmethod
    def _short(cls, value: list[str]) -> list[str]:
        if any(len(a) > 100 for a in value):
            raise ValueError("a global name has at most 100 characters")
        return value


def library_out(library: JsLibrary) -> dict[str, Any]:
    return {
        "name": library.name, "url": library.url, "version": library.version,
        "accessor": list(library.accessor), "sha256": library.sha256,
    }


def _list_out(view: service.LibrariesView) -> dict[str, Any]:
    return {
        "libraries": [library_out(lib) for lib in view.libraries],
        "allowedUrlPrefixes": list(view.allowed_prefixes),
        "maxBytes": view.max_bytes,
    }


@router.get("/applications/{application_id}/js-libraries", response_model=JsLibraryList, responses=errors(*PARAMS, *MEMBER))
def list_libraries(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """The app's JS libraries, and where the instance allows installing them from (developers)."""
    return _list_out(service.list_libraries(ctx, application_id))


@router.post(
    "/applications/{application_id}/js-libraries/fetch", response_model=FetchedLibrary,
    responses=errors(*BODY, *MEMBER),
)
async def fetch_library(application_id: str, body: LibraryFetch, ctx: Ctx) -> dict[str, Any]:
    """Have the server fetch a library from an allowed URL (once) and keep its code for an install
    (developers). 422 `library_url_not_allowed`, 400 `library_fetch_failed` or `not_a_library`,
    413 `library_too_large`."""
    fetched = await service.fetch_library(ctx, application_id, body.url)
    return {"url": fetched.url, "sha256": fetched.sha256, "size": fetched.size, "name": fetched.name, "version": fetched.version}


@router.post(
    "/applications/{application_id}/js-libraries", status_code=201, response_model=JsLibraryOut,
    responses=errors(*BODY, *MEMBER, 409),
)
def install_library(application_id: str, body: LibraryInstall, ctx: Ctx) -> dict[str, Any]:
    """Install fetched code as a library defining the `accessor` globals the editor's engine found (developers)."""
    library = service.install_library(
        ctx, application_id, url=body.url, sha256=body.sha256, accessor=body.accessor, name=body.name,
        version=body.version,
    )
    return library_out(library)


@router.delete(
    "/applications/{application_id}/js-libraries/{name}", status_code=204, responses=errors(*PARAMS, *MEMBER)
)
def uninstall_library(application_id: str, name: str, ctx: Ctx) -> None:
    """Remove a library from the app (developers); the published app keeps it until the next publish."""
    service.uninstall_library(ctx, application_id, name)


@router.get(
    "/applications/{application_id}/js-libraries/code/{sha256}", response_model=LibraryCode,
    responses=errors(*PARAMS, *MEMBER),
)
def library_code(application_id: str, sha256: str, ctx: Ctx, response: Response) -> dict[str, Any]:
    """A library's code, for the engine: developers of the app, and whoever may view its published
    state (anyone for a public app). Sent inside JSON, never as a script, so no page of this site
    can run it; the engine evaluates it in its sandbox. Immutable: the address names the hash."""
    if not _SHA256.fullmatch(sha256):
        raise LibraryNotFound("No such library code in this application.")
    code = service.library_code(ctx, application_id, sha256)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["ETag"] = f'"{code.sha256}"'
    return {"sha256": code.sha256, "url": code.url, "size": code.size, "code": code.code}
