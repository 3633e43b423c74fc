"""Routes of signing in with a provider: the login page's options, the two browser steps, the
signed-in person's linked identities, and the instance administrators' provider settings."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import Field

from lowcraft.accounts import saml_logout, signin
from lowcraft.accounts.api import set_pending_cookie
from lowcraft.accounts.schemas import (
    LinkedIdentityList,
    LoginOptions,
    ProviderOut,
    SignInAdmin,
    SignInSettingsOut,
)
from lowcraft.errors import LowcraftError
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import SESSION_COOKIE, Ctx
from lowcraft.http.openapi import BODY, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body
from lowcraft.signin import registry

log = logging.getLogger("lowcraft.signin")
router = APIRouter(prefix=API_PREFIX, tags=["sign-in"], route_class=DeferredRoute)
FLOW_COOKIE_PATH = f"{API_PREFIX}/auth/providers"
REDIRECT: dict[int | str, dict[str, Any]] = {302: {"description": "The browser goes on: to the provider, or back to the app or the login page."}}


class ProviderBody(Body):
    slug: str = Field(max_length=60)
    kind: str = Field(max_length=40)
    name: str = Field(max_length=100)
    enabled: bool = True
    settings: dict[str, Any] = Field(default_factory=dict)
    create_accounts: bool = Field(True, alias="createAccounts")
    role_mapping: list[dict[str, Any]] = Field(default_factory=list, alias="roleMapping", max_length=signin.MAX_RULES)


class ProviderPatch(Body):
    name: str | None = Field(None, min_length=1, max_length=100)
    enabled: bool | None = None
    settings: dict[str, Any] | None = None
    create_accounts: bool | None = Field(None, alias="createAccounts")
    role_mapping: list[dict[str, Any]] | None = Field(None, alias="roleMapping", max_length=signin.MAX_RULES)


class SignInSettingsBody(Body):
    password_login: bool = Field(alias="passwordLogin")


def provider_out(view: signin.ProviderView) -> dict[str, Any]:
    p = view.provider
    return {
        "id": p.id, "slug": p.slug, "kind": p.kind, "name": p.name, "enabled": p.enabled,
        "settings": p.settings, "secretsSet": view.secrets_set, "createAccounts": p.create_accounts,
        "roleMapping": p.role_mapping, "managedBy": p.managed_by, "callbackUrl": view.callback_url,
    }


def _kinds() -> list[dict[str, Any]]:
    return [
        {"kind": k.kind, "label": k.label, "settingsSchema": k.schema(), "secretFields": list(k.secret_fields)}
        for k in (registry.get(name) for name in registry.names())
    ]


@router.get("/auth/providers", response_model=LoginOptions)
def login_options(ctx: Ctx) -> dict[str, Any]:
    """How people may log in: the enabled sign-in providers, and whether passwords are accepted."""
    return signin.login_options(ctx)


@router.get("/auth/providers/{slug}/start", status_code=302, response_class=RedirectResponse,
            responses={**REDIRECT, **errors(*PARAMS)})
def start(slug: str, ctx: Ctx, next: str | None = None) -> Response:
    """Start signing in with a provider: redirects to it, with state, nonce and PKCE; a provider
    that cannot be used sends the browser back to the login page with `?error=<code>`."""
    try:
        url, browser = signin.begin(ctx, slug, next)
    except LowcraftError as exc:
        log.warning("sign-in with %s could not start: %s", slug, exc.message)
        return RedirectResponse("/login?" + urlencode({"error": exc.code}), status_code=302)
    response = RedirectResponse(url, status_code=302)
    response.set_cookie(
        signin.FLOW_COOKIE, browser, max_age=signin.FLOW_SECONDS, path=FLOW_COOKIE_PATH, httponly=True,
        samesite="lax", secure=ctx.runtime.settings.secure_cookies,
    )
    return response


@router.get("/auth/providers/{slug}/callback", status_code=302, response_class=RedirectResponse,
            responses={**REDIRECT, **errors(*PARAMS)})
def callback(slug: str, request: Request, ctx: Ctx) -> Response:
    """The provider's answer: on success the session cookie is set and the browser goes where it
    was headed; otherwise back to the login page with `?error=<code>` and no session."""
    params = {k: v for k, v in request.query_params.items()}
    if "answer" in params:  # a form-POSTed answer (SAML) handed on by the assertion consumer service
        params = signin.stashed_answer(ctx, params["answer"])
    outcome = signin.complete(ctx, slug, params, request.cookies.get(signin.FLOW_COOKIE))
    response = RedirectResponse(outcome.location, status_code=302)
    response.delete_cookie(signin.FLOW_COOKIE, path=FLOW_COOKIE_PATH)
    if outcome.session_token:
        settings = ctx.runtime.settings
        response.set_cookie(
            SESSION_COOKIE, outcome.session_token, httponly=True, samesite="lax", secure=settings.secure_cookies,
            max_age=settings.session_max_hours * 3600, path="/",
        )
    elif outcome.pending_token:
        set_pending_cookie(ctx, response, outcome.pending_token)
    return response


@router.get("/me/identities", response_model=LinkedIdentityList, responses=errors(401))
def list_identities(ctx: Ctx) -> dict[str, Any]:
    """The signed-in person's identities at sign-in providers."""
    return {"identities": [
        {"id": linked.id, "provider": provider.slug, "providerName": provider.name, "email": linked.email,
         "createdAt": linked.created_at.isoformat(),
         "lastUsedAt": linked.last_used_at.isoformat() if linked.last_used_at else None}
        for linked, provider in signin.list_identities(ctx)
    ]}


@router.delete("/me/identities/{identity_id}", status_code=204, responses=errors(*PARAMS, 401, 404, 409))
def unlink_identity(identity_id: str, ctx: Ctx) -> None:
    """Unlink one of the signed-in person's identities (refused when it is their only way in)."""
    signin.unlink_identity(ctx, identity_id)


@router.get("/admin/sign-in", response_model=SignInAdmin, responses=errors(401, 403))
def sign_in_admin(ctx: Ctx) -> dict[str, Any]:
    """Instance administrators: the sign-in settings, the configured providers and the kinds."""
    providers = [provider_out(v) for v in signin.list_providers(ctx)]
    return {"settings": signin.sign_in_settings(ctx), "providers": providers, "kinds": _kinds()}


@router.put("/admin/sign-in/settings", response_model=SignInSettingsOut, responses=errors(*BODY, 401, 403, 409))
def set_sign_in_settings(body: SignInSettingsBody, ctx: Ctx) -> dict[str, Any]:
    """Instance administrators: turn password login on or off (they themselves keep it)."""
    return signin.set_password_login(ctx, body.password_login)


@router.post("/admin/sign-in/providers", status_code=201, response_model=ProviderOut,
             responses=errors(*BODY, 401, 403, 404, 409))
def create_provider(body: ProviderBody, ctx: Ctx) -> dict[str, Any]:
    """Instance administrators: add a sign-in provider; secret settings are stored encrypted."""
    declaration = signin.ProviderDeclaration.model_validate(body.model_dump(by_alias=True))
    return provider_out(signin.create_provider(ctx, declaration))


@router.patch("/admin/sign-in/providers/{provider_id}", response_model=ProviderOut,
              responses=errors(*BODY, 401, 403, 404, 409))
def update_provider(provider_id: str, body: ProviderPatch, ctx: Ctx) -> dict[str, Any]:
    """Instance administrators: change a provider; a secret left out keeps its value."""
    changes = body.changes(clearable=())
    return provider_out(signin.update_provider(ctx, provider_id, changes))


@router.delete("/admin/sign-in/providers/{provider_id}", status_code=204, responses=errors(*PARAMS, 401, 403, 404, 409))
def delete_provider(provider_id: str, ctx: Ctx) -> None:
    """Instance administrators: remove a provider and the identities linked through it."""
    signin.delete_provider(ctx, provider_id)


# The SAML service provider's own addresses: outside /api/v1, since the IdP's page POSTs to the
# assertion consumer service as a plain form (no CSRF header, no JSON).
saml_router = APIRouter(prefix="/saml", tags=["sign-in"], route_class=DeferredRoute)


@saml_router.post("/{slug}/acs", status_code=303, response_class=RedirectResponse,
                  responses={303: REDIRECT[302], **errors(*PARAMS)})
async def assertion_consumer_service(slug: str, request: Request, ctx: Ctx) -> Response:
    """SAML HTTP-POST binding: the IdP's answer is kept for a moment and the browser sent on to
    the callback, where the sign-in is checked (with the cookie of the browser that started it)."""
    form = await request.form()
    key = signin.stash_answer(ctx, {k: v for k, v in form.items() if isinstance(v, str)})
    return RedirectResponse(f"{API_PREFIX}/auth/providers/{quote(slug, safe='')}/callback?answer={key}", status_code=303)


@saml_router.get("/{slug}/metadata", response_class=Response,
                 responses={200: {"content": {"application/samlmetadata+xml": {}},
                                  "description": "This service provider's SAML metadata."}, **errors(*PARAMS, 404)})
def saml_metadata(slug: str, ctx: Ctx) -> Response:
    """This instance's SAML service-provider metadata for the provider `slug`, for the IdP: the
    assertion consumer service, the single logout service and the SP's signing certificate."""
    return Response(saml_logout.saml_metadata(ctx, slug), media_type="application/samlmetadata+xml")


SLO_RESPONSES: dict[int | str, dict[str, Any]] = {
    302: {"description": "On to the login page (the IdP answered our logout), or back to the IdP with "
                         "a signed LogoutResponse (the IdP's logout ended the person's sessions here)."},
    **errors(*PARAMS, 400, 404),
}


@saml_router.get("/{slug}/slo", status_code=302, response_class=RedirectResponse, responses=SLO_RESPONSES)
def single_logout_redirect(slug: str, request: Request, ctx: Ctx) -> Response:
    """SAML single logout over the HTTP-Redirect binding: the IdP's LogoutResponse to a logout
    started here, or its own LogoutRequest (signed by the IdP, or refused with no effect)."""
    from saml2 import BINDING_HTTP_REDIRECT

    params = {k: v for k, v in request.query_params.items()}
    return RedirectResponse(saml_logout.single_logout(ctx, slug, params, BINDING_HTTP_REDIRECT), status_code=302)


@saml_router.post("/{slug}/slo", status_code=303, response_class=RedirectResponse,
                  responses={303: SLO_RESPONSES[302], **errors(*PARAMS, 400, 404)})
async def single_logout_post(slug: str, request: Request, ctx: Ctx) -> Response:
    """SAML single logout over the HTTP-POST binding (the message signed in the document)."""
    from saml2 import BINDING_HTTP_POST

    form = await request.form()
    params = {k: v for k, v in form.items() if isinstance(v, str)}
    return RedirectResponse(saml_logout.single_logout(ctx, slug, params, BINDING_HTTP_POST), status_code=303)
