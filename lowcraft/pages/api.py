"""Routes: pages of an application and their widget trees."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from lowcraft.appmodel.models import Page
from lowcraft.apps.api import page_summary
from lowcraft.apps.schemas import PageSummary
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import Ctx
from lowcraft.http.openapi import BODY, MEMBER, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body
from lowcraft.pages import service
from lowcraft.pages.schemas import PageDetail, PageList, PageSaved

router = APIRouter(prefix=API_PREFIX, tags=["pages"], route_class=DeferredRoute)


class CreatePageBody(Body):
    name: str = Field(max_length=200)
    dsl: dict[str, Any] | None = None


class UpdatePageBody(Body):
    name: str | None = Field(None, max_length=200)
    slug: str | None = Field(None, max_length=120)
    hidden: bool | None = None


class ReorderBody(Body):
    page_ids: list[str] = Field(alias="pageIds", max_length=1000)


class SaveTreeBody(Body):
    dsl: dict[str, Any]
    revision: int



def page_out(page: Page) -> dict[str, Any]:
    return {**page_summary(page), "dsl": page.dsl}


@router.get("/applications/{application_id}/pages", response_model=PageList, responses=errors(*PARAMS, *MEMBER))
def list_pages(application_id: str, ctx: Ctx) -> dict[str, Any]:
    """The application's pages in order, without their widget trees (developers)."""
    return {"pages": [page_summary(p) for p in service.list_pages(ctx, application_id)]}


@router.post(
    "/applications/{application_id}/pages", status_code=201, response_model=PageDetail,
    responses=errors(*BODY, *MEMBER, 409),
)
def create_page(application_id: str, body: CreatePageBody, ctx: Ctx) -> dict[str, Any]:
    """Add a page at the end, with an empty widget tree unless one is given."""
    return page_out(service.create_page(ctx, application_id, body.name, body.dsl))


@router.post("/applications/{application_id}/pages/reorder", response_model=PageList, responses=errors(*BODY, *MEMBER))
def reorder_pages(application_id: str, body: ReorderBody, ctx: Ctx) -> dict[str, Any]:
    """Put the application's pages in the order of `pageIds` (every page, once)."""
    return {"pages": [page_summary(p) for p in service.reorder_pages(ctx, application_id, body.page_ids)]}


@router.get("/pages/{page_id}", response_model=PageDetail, responses=errors(*PARAMS, *MEMBER))
def get_page(page_id: str, ctx: Ctx) -> dict[str, Any]:
    """A page with its widget tree, for the editor (developers)."""
    return page_out(service.get_page(ctx, page_id))


@router.patch("/pages/{page_id}", response_model=PageSummary, responses=errors(*BODY, *MEMBER, 409))
def update_page(page_id: str, body: UpdatePageBody, ctx: Ctx) -> dict[str, Any]:
    """Rename a page, change its slug or hide it from the navigation."""
    return page_summary(service.update_page(ctx, page_id, body.changes(clearable=("slug",))))


@router.put("/pages/{page_id}/dsl", response_model=PageSaved, responses=errors(*BODY, *MEMBER, 409))
def save_tree(page_id: str, body: SaveTreeBody, ctx: Ctx) -> dict[str, Any]:
    """Save a page's widget tree over the revision it was read at (409 when another save came first)."""
    saved = service.save_tree(ctx, page_id, body.dsl, body.revision)
    return {**page_summary(saved.page), "diagnostics": saved.diagnostics}


@router.post("/pages/{page_id}/set-default", response_model=PageSummary, responses=errors(*PARAMS, *MEMBER))
def set_default(page_id: str, ctx: Ctx) -> dict[str, Any]:
    """Make this page the one the application opens on."""
    return page_summary(service.set_default_page(ctx, page_id))


@router.delete("/pages/{page_id}", status_code=204, responses=errors(*PARAMS, *MEMBER, 409))
def delete_page(page_id: str, ctx: Ctx) -> None:
    """Delete a page with its actions and JS objects; an application keeps at least one page."""
    service.delete_page(ctx, page_id)
