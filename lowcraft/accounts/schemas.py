"""Response models of the account routes: API tokens and the answers of the auth flows (`UserOut`
is in `workspaces.schemas`, below accounts, as members are users)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lowcraft.http.openapi import Out
from lowcraft.workspaces.schemas import UserOut


class CheckEmail(Out):
    """Signup of anyone but the instance's first user: a link to finish went out by email."""

    status: Literal["check_email"]
    message: str


class Message(Out):
    """A sentence for the person who asked."""

    message: str


class ApiTokenOut(Out):
    """A personal API token, without its secret (only `prefix`, to recognise it)."""

    id: str
    name: str
    prefix: str
    created_at: str = Field(alias="createdAt")
    last_used_at: str | None = Field(alias="lastUsedAt")
    expires_at: str | None = Field(alias="expiresAt")


class ApiTokenCreated(ApiTokenOut):
    """A new token with its secret: the only time the secret is shown."""

    token: str = Field(description="The secret to send as `Authorization: Bearer <token>`.")


class ApiTokenList(Out):
    tokens: list[ApiTokenOut]


class SignInPending(Out):
    """The password (or provider) was right and a second factor is due: `two_factor` asks for a
    code (`POST /auth/two-factor`), `two_factor_enrolment` for setting one up first
    (`POST /auth/two-factor/enrolment`). A cookie scoped to `/api/v1/auth` holds the pending
    sign-in for ten minutes; it is no session."""

    status: Literal["two_factor", "two_factor_enrolment"]
    message: str


class TwoFactorEnrolmentOut(Out):
    """A new authenticator secret waiting for its first code: scan `qrSvg` or type `secret`."""

    secret: str = Field(description="Base32, for typing into an authenticator app.")
    uri: str = Field(description="The `otpauth://` URI the QR code holds.")
    qr_svg: str = Field(alias="qrSvg", description="An SVG image of the QR code, made on the server.")


class RecoveryCodesOut(Out):
    """Ten one-time recovery codes: shown only in this answer, stored hashed."""

    recovery_codes: list[str] = Field(alias="recoveryCodes")


class TwoFactorStatusOut(Out):
    """The signed-in user's second factor."""

    enabled: bool
    required: bool = Field(description="Whether an administrator requires a second factor of this account.")
    recovery_codes_left: int = Field(alias="recoveryCodesLeft")
    enrolment_pending: bool = Field(alias="enrolmentPending")


class WorkspaceTwoFactorOut(Out):
    """Whether a workspace requires its members to sign in with a second factor."""

    id: str
    name: str
    required: bool


class TwoFactorPolicyOut(Out):
    """The instance's requirement and every workspace's."""

    required: bool
    workspaces: list[WorkspaceTwoFactorOut]


class SignedInWithCodes(Out):
    """Signed in after setting up a second factor: the user, and the recovery codes (shown once)."""

    user: UserOut
    recovery_codes: list[str] = Field(alias="recoveryCodes")
