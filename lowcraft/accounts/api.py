"""Routes: signup, login, logout, me, passwords, reset links and personal API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from lowcraft.accounts import saml_logout, service
from lowcraft.accounts.schemas import (
    ApiTokenCreated,
    ApiTokenList,
    CheckEmail,
    LogoutRedirect,
    Message,
    SignInPending,
)
from lowcraft.accounts.sign_in import PENDING_SECONDS, SignIn
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import SESSION_COOKIE, SIGN_IN_COOKIE, Ctx
from lowcraft.http.openapi import BODY, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body
from lowcraft.identity.models import ApiToken
from lowcraft.identity.users import user_out
from lowcraft.workspaces.permissions import require_user
from lowcraft.workspaces.schemas import UserOut

router = APIRouter(prefix=API_PREFIX, tags=["accounts"], route_class=DeferredRoute)


class SignupBody(Body):
    email: str = Field(max_length=320)
    password: str = Field(max_length=256)
    name: str = Field("", max_length=200)


class SignupConfirmBody(Body):
    token: str = Field(max_length=200)


class LoginBody(Body):
    email: str = Field(max_length=320)
    password: str = Field(max_length=256)


class ProfileBody(Body):
    name: str = Field(max_length=200)


class PasswordChangeBody(Body):
    current_password: str = Field(alias="currentPassword", max_length=256)
    new_password: str = Field(alias="newPassword", max_length=256)
    revoke_api_tokens: bool = Field(False, alias="revokeApiTokens")


class ResetRequestBody(Body):
    email: str = Field(max_length=320)


class ResetConfirmBody(Body):
    token: str = Field(max_length=200)
    password: str = Field(max_length=256)


class TokenBody(Body):
    name: str = Field(max_length=100)
    expires_in_days: int | None = Field(None, alias="expiresInDays", ge=1, le=3650)



def token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "createdAt": token.created_at.isoformat(),
        "lastUsedAt": token.last_used_at.isoformat() if token.last_used_at else None,
        "expiresAt": token.expires_at.isoformat() if token.expires_at else None,
    }


def _set_cookie(ctx: Ctx, response: Response, token: str) -> None:
    settings = ctx.runtime.settings
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.secure_cookies,
        max_age=settings.session_max_hours * 3600, path="/",
    )


_NEXT_STEP = {
    "two_factor": "Enter the code from your authenticator app.",
    "two_factor_enrolment": "Your administrator requires two-factor authentication: set it up to continue.",
}


def set_pending_cookie(ctx: Ctx, response: Response, token: str) -> None:
    """The pending sign-in's cookie: only the sign-in routes see it (also set by a provider's
    callback when a second factor is due)."""
    response.set_cookie(
        SIGN_IN_COOKIE, token, httponly=True, samesite="strict", secure=ctx.runtime.settings.secure_cookies,
        max_age=PENDING_SECONDS, path=f"{API_PREFIX}/auth",
    )


def answer_sign_in(ctx: Ctx, response: Response, sign_in: SignIn, *, finished_pending: bool = False) -> dict[str, Any]:
    """The answer to a proved first (or second) factor: the session cookie and the user, or a 202
    with the pending sign-in's cookie and the step that is due. Every sign-in route ends here;
    the two-factor routes, which finish a pending sign-in, clear its cookie (`finished_pending`)."""
    if sign_in.session is not None:
        _set_cookie(ctx, response, sign_in.session)
        if finished_pending:
            response.delete_cookie(SIGN_IN_COOKIE, path=f"{API_PREFIX}/auth")
        return user_out(sign_in.user)
    assert sign_in.pending is not None
    response.status_code = 202
    set_pending_cookie(ctx, response, sign_in.pending)
    return {"status": sign_in.next, "message": _NEXT_STEP[sign_in.next]}


PENDING: dict[int | str, dict[str, Any]] = {202: {"model": SignInPending, "description": "A second factor is due (or must be set up) before the session"}}
SIGNUP_EMAILED = "Check your email: we sent a link to finish signing up."


@router.post(
    "/auth/signup", status_code=201, response_model=UserOut | CheckEmail | SignInPending,
    responses={201: {"model": UserOut}, 202: {"model": CheckEmail, "description": "A link to finish went out by email"},
               **errors(*BODY, 409, 429, 503)},
)
def signup(body: SignupBody, ctx: Ctx, response: Response) -> dict[str, Any]:
    """The instance's first user is signed up and logged in at once (201, the user); anyone else
    is answered 202 `{"status": "check_email"}` whether or not the email has an account."""
    signed_up = service.signup(ctx, body.email, body.password, body.name)
    if signed_up is None:
        response.status_code = 202
        return {"status": "check_email", "message": SIGNUP_EMAILED}
    return answer_sign_in(ctx, response, signed_up)


@router.post(
    "/auth/signup/confirm", status_code=201, response_model=UserOut | SignInPending,
    responses={201: {"model": UserOut}, **PENDING, **errors(*BODY, 409, 503)},
)
def confirm_signup(body: SignupConfirmBody, ctx: Ctx, response: Response) -> dict[str, Any]:
    """Finish signing up with the link's token: the account is created and logged in (202 when a
    workspace the invitation was for requires a second factor, which is set up first)."""
    return answer_sign_in(ctx, response, service.confirm_signup(ctx, body.token))


@router.post(
    "/auth/login", response_model=UserOut | SignInPending,
    responses={200: {"model": UserOut}, **PENDING, **errors(*BODY, 401, 429, 503)},
)
def login(body: LoginBody, ctx: Ctx, response: Response) -> dict[str, Any]:
    """Log in with email and password: sets the session cookie and answers the user, or answers
    202 when a second factor is due (`POST /auth/two-factor`) or must be set up first."""
    return answer_sign_in(ctx, response, service.login(ctx, body.email, body.password))


@router.post("/auth/logout", status_code=204, response_class=Response, responses={
    200: {"model": LogoutRedirect, "description": "The session came from a SAML IdP with single logout: "
          "the browser goes on to `redirect` to end the IdP's session too"}, **errors(503)})
def logout(ctx: Ctx) -> Response:
    """End the caller's session and clear its cookie (and, for a session from a SAML IdP that
    supports single logout, answer where the browser logs out of the IdP too)."""
    redirect = saml_logout.begin_logout(ctx)
    service.logout(ctx)
    response: Response = JSONResponse({"redirect": redirect}) if redirect else Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/auth/password-reset", status_code=202, response_model=Message, responses=errors(*BODY, 429))
def request_reset(body: ResetRequestBody, ctx: Ctx) -> dict[str, Any]:
    """Email a password reset link, answering the same whether or not the email has an account."""
    service.request_password_reset(ctx, body.email)
    return {"message": "If an account exists for this email, a reset link is on its way."}


@router.post(
    "/auth/password-reset/confirm", response_model=UserOut | SignInPending,
    responses={200: {"model": UserOut}, **PENDING, **errors(*BODY, 503)},
)
def confirm_reset(body: ResetConfirmBody, ctx: Ctx, response: Response) -> dict[str, Any]:
    """Set a new password with the reset link's token, and log in (202 when a second factor is due)."""
    return answer_sign_in(ctx, response, service.confirm_password_reset(ctx, body.token, body.password))


@router.get("/me", response_model=UserOut, responses=errors(401))
def me(ctx: Ctx) -> dict[str, Any]:
    """The signed-in user."""
    return user_out(require_user(ctx))


@router.patch("/me", response_model=UserOut, responses=errors(*BODY, 401))
def update_me(body: ProfileBody, ctx: Ctx) -> dict[str, Any]:
    """Change the signed-in user's display name."""
    return user_out(service.update_profile(ctx, body.name))


@router.post("/me/password", status_code=204, responses=errors(*BODY, 401))
def change_password(body: PasswordChangeBody, ctx: Ctx) -> None:
    """Change the password (the current one is required); other sessions end, and tokens if asked."""
    service.change_password(ctx, body.current_password, body.new_password, revoke_api_tokens=body.revoke_api_tokens)


@router.get("/me/tokens", response_model=ApiTokenList, responses=errors(401))
def list_tokens(ctx: Ctx) -> dict[str, Any]:
    """The signed-in user's personal API tokens, without their secrets."""
    return {"tokens": [token_out(t) for t in service.list_api_tokens(ctx)]}


@router.post("/me/tokens", status_code=201, response_model=ApiTokenCreated, responses=errors(*BODY, 401))
def create_token(body: TokenBody, ctx: Ctx) -> dict[str, Any]:
    """Create a personal API token; its secret is in this answer only."""
    token, secret = service.create_api_token(ctx, body.name, body.expires_in_days)
    return {**token_out(token), "token": secret}


@router.delete("/me/tokens/{token_id}", status_code=204, responses=errors(*PARAMS, 401, 404))
def revoke_token(token_id: str, ctx: Ctx) -> None:
    """Revoke one of the signed-in user's API tokens."""
    service.revoke_api_token(ctx, token_id)
