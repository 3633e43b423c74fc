"""Response models of the account routes: API tokens and the answers of the auth flows (`UserOut`
is in `workspaces.schemas`, below accounts, as members are users)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from lowcraft.http.openapi import Out


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
