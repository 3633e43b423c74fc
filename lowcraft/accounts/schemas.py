"""Response models of the account routes: API tokens and the answers of the auth flows (`UserOut`
is in `workspaces.schemas`, below accounts, as members are users)."""

from __future__ import annotations

from typing import Any, Literal

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


class LogoutRedirect(Out):
    """The session is over here; the browser goes to the IdP to end the single sign-on session too."""

    redirect: str = Field(description="The IdP's single logout address, with a signed LogoutRequest.")


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


class LoginProvider(Out):
    slug: str
    name: str = Field(description="What the login button says.")
    kind: str


class LoginOptions(Out):
    """How people may log in here: the enabled providers, and whether passwords are accepted
    (instance administrators may always use theirs: the break-glass path)."""

    password_login: bool = Field(alias="passwordLogin")
    providers: list[LoginProvider]


class LinkedIdentityOut(Out):
    id: str
    provider: str = Field(description="The provider's slug.")
    provider_name: str = Field(alias="providerName")
    email: str
    created_at: str = Field(alias="createdAt")
    last_used_at: str | None = Field(alias="lastUsedAt")


class LinkedIdentityList(Out):
    identities: list[LinkedIdentityOut]


class MappingRuleOut(Out):
    claim: str
    value: str
    workspace_id: str = Field(alias="workspaceId")
    role: str


class ProviderOut(Out):
    """A configured provider as instance administrators see it: secrets never, only which are set."""

    id: str
    slug: str
    kind: str
    name: str
    enabled: bool
    settings: dict[str, Any] = Field(description="The kind's settings without its secret fields.")
    secrets_set: list[str] = Field(alias="secretsSet", description="Secret settings that hold a value.")
    create_accounts: bool = Field(alias="createAccounts")
    role_mapping: list[MappingRuleOut] = Field(alias="roleMapping")
    managed_by: Literal["admin", "environment"] = Field(alias="managedBy")
    callback_url: str = Field(alias="callbackUrl", description="The redirect URI to register at the provider.")


class ProviderKindOut(Out):
    kind: str
    label: str
    settings_schema: dict[str, Any] = Field(alias="settingsSchema", description="JSON Schema of the kind's settings.")
    secret_fields: list[str] = Field(alias="secretFields")


class SignInSettingsOut(Out):
    password_login: bool = Field(alias="passwordLogin")
    password_login_from_environment: bool = Field(
        alias="passwordLoginFromEnvironment", description="LOWCRAFT_PASSWORD_LOGIN decides; the page cannot."
    )


class SignInAdmin(Out):
    """Everything the admin page's sign-in section shows."""

    settings: SignInSettingsOut
    providers: list[ProviderOut]
    kinds: list[ProviderKindOut]


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
