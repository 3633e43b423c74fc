"""Response models of the account routes: API tokens and the answers of the auth flows (`UserOut`
is in `workspaces.schemas`, below accounts, as members are users)."""

from __future__ import annotations

from typing import Literal

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
