"""GitHub (and GitHub Enterprise Server): OAuth 2, not OpenID Connect.

GitHub issues no ID token, so who signed in comes from its API with the access token: the user
(`GET /user`; the numeric `id` is the stable subject, since logins can be renamed) and their
email addresses (`GET /user/emails`): the primary address counts only if GitHub marks it verified.
With `organizations` on, `GET /user/orgs` fills an `organizations` claim (logins) for role
mapping; that needs the `read:org` scope, which the kind then asks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
from authlib.common.errors import AuthlibBaseError
from pydantic import Field

from lowcraft.signin.base import ExternalIdentity, Flow, KindSettings, ProviderKind
from lowcraft.signin.errors import ProviderDenied, ProviderUnreachable, TokenInvalid
from lowcraft.signin.http import ProviderHttp, read_json
from lowcraft.signin.oidc import check_answer


class GithubSettings(KindSettings):
    client_id: str = Field(alias="clientId", min_length=1, max_length=500)
    client_secret: str | None = Field(None, alias="clientSecret", max_length=2000, description="Write-only.")
    web_url: str = Field(
        "https://github.com", alias="webUrl", max_length=2000,
        description="GitHub's web address (GitHub Enterprise Server: your server).",
    )
    api_url: str = Field(
        "https://api.github.com", alias="apiUrl", max_length=2000,
        description="GitHub's API address (GitHub Enterprise Server: https://HOST/api/v3).",
    )
    organizations: bool = Field(False, description="Read the user's organizations for role mapping (scope read:org).")


class GithubKind(ProviderKind):
    kind = "github"
    label = "GitHub"
    settings_model: ClassVar[type[KindSettings]] = GithubSettings
    secret_fields = ("clientSecret",)

    def _client(self, settings: Any, redirect_uri: str, http: ProviderHttp) -> Any:
        scope = "read:user user:email" + (" read:org" if settings.organizations else "")
        return http.oauth_client(
            client_id=settings.client_id, client_secret=settings.client_secret or None, scope=scope,
            redirect_uri=redirect_uri, code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_post",
        )

    def begin(self, settings: KindSettings, redirect_uri: str, flow: Flow, http: ProviderHttp) -> str:
        s: Any = settings
        url = s.web_url.rstrip("/") + "/login/oauth/authorize"
        http.check_url(url)
        with self._client(s, redirect_uri, http) as client:
            address, _ = client.create_authorization_url(url, state=flow.state, code_verifier=flow.code_verifier)
        return str(address)

    def complete(
        self, settings: KindSettings, redirect_uri: str, flow: Flow, params: Mapping[str, str], http: ProviderHttp
    ) -> ExternalIdentity:
        s: Any = settings
        check_answer(flow, params)
        api = s.api_url.rstrip("/")
        try:
            with self._client(s, redirect_uri, http) as client:
                token = client.fetch_token(
                    s.web_url.rstrip("/") + "/login/oauth/access_token", code=params["code"],
                    code_verifier=flow.code_verifier, headers={"Accept": "application/json"},
                )
                user = read_json(client.get(api + "/user"), api + "/user")
                emails = read_json(client.get(api + "/user/emails"), api + "/user/emails")
                orgs = read_json(client.get(api + "/user/orgs"), api + "/user/orgs") if s.organizations else []
        except AuthlibBaseError as exc:
            raise ProviderDenied(f"GitHub refused the sign-in code: {exc.description or exc.error}.") from None
        except httpx.HTTPError as exc:
            raise ProviderUnreachable(f"GitHub could not be reached: {exc}") from None
        if not token.get("access_token"):
            raise ProviderDenied("GitHub answered without an access token.")
        if not isinstance(user, dict) or not isinstance(user.get("id"), int) or not isinstance(emails, list):
            raise TokenInvalid("GitHub's user answer is not what its API documents.")
        primary = next((e for e in emails if isinstance(e, dict) and e.get("primary")), None)
        email = str(primary["email"]).strip().lower() if primary and isinstance(primary.get("email"), str) else None
        claims: dict[str, Any] = {
            "sub": str(user["id"]),
            "login": user.get("login"),
            "name": user.get("name") or user.get("login") or "",
            "email": email,
            "email_verified": bool(primary and primary.get("verified") is True),
            "organizations": [o.get("login") for o in orgs if isinstance(o, dict)] if isinstance(orgs, list) else [],
        }
        return ExternalIdentity(
            subject=claims["sub"], email=email, email_verified=claims["email_verified"],
            name=str(claims["name"])[:200], claims=claims,
        )
