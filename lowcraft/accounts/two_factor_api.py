"""Routes: the second step of signing in, a user's own second factor, and the 2FA requirements."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import Field

from lowcraft.accounts import sign_in, two_factor
from lowcraft.accounts.api import answer_sign_in
from lowcraft.accounts.schemas import (
    RecoveryCodesOut,
    SignedInWithCodes,
    TwoFactorEnrolmentOut,
    TwoFactorPolicyOut,
    TwoFactorStatusOut,
    WorkspaceTwoFactorOut,
)
from lowcraft.http import API_PREFIX
from lowcraft.http.deps import SIGN_IN_COOKIE, Ctx
from lowcraft.http.openapi import BODY, MEMBER, PARAMS, errors
from lowcraft.http.routing import DeferredRoute
from lowcraft.http.schemas import Body
from lowcraft.workspaces.schemas import UserOut

router = APIRouter(prefix=API_PREFIX, tags=["two-factor"], route_class=DeferredRoute)


class CodeBody(Body):
    code: str = Field(max_length=20, description="A 6-digit code from the authenticator app.")


class SecondFactorBody(Body):
    code: str | None = Field(None, max_length=20, description="A 6-digit code from the authenticator app.")
    recovery_code: str | None = Field(None, alias="recoveryCode", max_length=40)


class ProofBody(Body):
    """Proof that the caller is the account's owner: an authenticator or recovery code, or the password."""

    code: str | None = Field(None, max_length=40)
    password: str | None = Field(None, max_length=256)


class RequiredBody(Body):
    required: bool


def _enrolment_out(enrolment: two_factor.Enrolment) -> dict[str, Any]:
    return {"secret": enrolment.secret, "uri": enrolment.uri, "qrSvg": enrolment.qr_svg}


def _policy_out(required: bool, workspaces: list[two_factor.WorkspacePolicy]) -> dict[str, Any]:
    return {"required": required, "workspaces": [{"id": w.id, "name": w.name, "required": w.required} for w in workspaces]}


# -- signing in ---------------------------------------------------------------------------------


@router.post("/auth/two-factor", response_model=UserOut, responses=errors(*BODY, 401, 429, 503))
def submit_second_factor(body: SecondFactorBody, ctx: Ctx, request: Request, response: Response) -> dict[str, Any]:
    """Finish a sign-in that answered 202 `two_factor`: an authenticator code or a recovery code
    sets the session cookie. Five wrong codes end the pending sign-in."""
    done = sign_in.submit_second_factor(ctx, request.cookies.get(SIGN_IN_COOKIE), body.code, body.recovery_code)
    return answer_sign_in(ctx, response, done, finished_pending=True)


@router.post("/auth/two-factor/enrolment", status_code=201, response_model=TwoFactorEnrolmentOut,
             responses=errors(401, 503))
def begin_pending_enrolment(ctx: Ctx, request: Request) -> dict[str, Any]:
    """For a sign-in that answered 202 `two_factor_enrolment`: a new authenticator secret and its QR code."""
    return _enrolment_out(sign_in.begin_pending_enrolment(ctx, request.cookies.get(SIGN_IN_COOKIE)))


@router.post("/auth/two-factor/enrolment/confirm", response_model=SignedInWithCodes,
             responses=errors(*BODY, 401, 409, 429, 503))
def confirm_pending_enrolment(body: CodeBody, ctx: Ctx, request: Request, response: Response) -> dict[str, Any]:
    """Confirm the set-up with a first code: two-factor authentication is on, the session cookie is
    set, and the ten recovery codes are in this answer only."""
    done, codes = sign_in.confirm_pending_enrolment(ctx, request.cookies.get(SIGN_IN_COOKIE), body.code)
    return {"user": answer_sign_in(ctx, response, done, finished_pending=True), "recoveryCodes": codes}


# -- the signed-in user's own second factor -----------------------------------------------------


@router.get("/me/two-factor", response_model=TwoFactorStatusOut, responses=errors(401))
def get_status(ctx: Ctx) -> dict[str, Any]:
    """Whether the signed-in user has a second factor, whether one is required, and how many
    recovery codes are left."""
    status = two_factor.status(ctx)
    return {"enabled": status.enabled, "required": status.required,
            "recoveryCodesLeft": status.recovery_codes_left, "enrolmentPending": status.enrolment_pending}


@router.post("/me/two-factor/enrolment", status_code=201, response_model=TwoFactorEnrolmentOut, responses=errors(401))
def begin_enrolment(ctx: Ctx) -> dict[str, Any]:
    """Start setting up an authenticator (or a new one, replacing the current once confirmed)."""
    return _enrolment_out(two_factor.begin_enrolment(ctx))


@router.post("/me/two-factor/enrolment/confirm", response_model=RecoveryCodesOut,
             responses=errors(*BODY, 401, 409, 429))
def confirm_enrolment(body: CodeBody, ctx: Ctx) -> dict[str, Any]:
    """Turn two-factor authentication on with a first code; answers ten new recovery codes (once)."""
    return {"recoveryCodes": two_factor.confirm_enrolment(ctx, body.code)}


@router.post("/me/two-factor/recovery-codes", response_model=RecoveryCodesOut,
             responses=errors(*BODY, 401, 409, 429))
def renew_recovery_codes(body: ProofBody, ctx: Ctx) -> dict[str, Any]:
    """Replace the recovery codes (a code or the password is required); the old ones stop working."""
    return {"recoveryCodes": two_factor.regenerate_recovery_codes(ctx, body.code, body.password)}


@router.post("/me/two-factor/disable", status_code=204, responses=errors(*BODY, 401, 409, 429))
def disable(body: ProofBody, ctx: Ctx) -> None:
    """Turn two-factor authentication off (a code or the password is required); refused (409)
    while an administrator requires it."""
    two_factor.disable(ctx, body.code, body.password)


# -- requirements -------------------------------------------------------------------------------


@router.get("/admin/two-factor", response_model=TwoFactorPolicyOut, responses=errors(401, 403))
def get_policy(ctx: Ctx) -> dict[str, Any]:
    """Whether the instance requires a second factor of everyone, and which workspaces require it
    of their members (instance administrators only)."""
    return _policy_out(*two_factor.instance_policy(ctx))


@router.put("/admin/two-factor", response_model=TwoFactorPolicyOut, responses=errors(*BODY, 401, 403, 409))
def set_policy(body: RequiredBody, ctx: Ctx) -> dict[str, Any]:
    """Require a second factor of every user (instance administrators only, who must have one
    themselves). Sessions of users without one end: they set one up at their next sign-in."""
    two_factor.set_instance_policy(ctx, body.required)
    return _policy_out(*two_factor.instance_policy(ctx))


@router.put("/workspaces/{workspace_id}/two-factor", response_model=WorkspaceTwoFactorOut,
            responses=errors(*BODY, *PARAMS, *MEMBER, 409))
def set_workspace_policy(workspace_id: str, body: RequiredBody, ctx: Ctx) -> dict[str, Any]:
    """Require a second factor of the workspace's members (its administrators, who must have one
    themselves). Sessions of members without one end: they set one up at their next sign-in."""
    policy = two_factor.set_workspace_policy(ctx, workspace_id, body.required)
    return {"id": policy.id, "name": policy.name, "required": policy.required}
