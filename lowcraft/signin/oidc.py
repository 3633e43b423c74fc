"""OpenID Connect: the generic kind (any provider with a discovery document) and Google's preset.

The authorization code flow with PKCE (S256), `state` and `nonce`. The ID token is verified with
joserfc against the provider's published keys: signature (asymmetric algorithms only: `none`
and shared-secret HMAC are refused), issuer (the discovery document's), audience (this client;
with several audiences, `azp` must be this client too), expiry, issue time and not-before, each
with a bounded clock skew, and the nonce this sign-in sent. Discovery documents and key sets are
cached for `CACHE_SECONDS`; a token signed with a key id not in the cached set fetches the set
once more (key rotation).
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
from authlib.common.errors import AuthlibBaseError
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet
from pydantic import Field, field_validator

from lowcraft.signin.base import ExternalIdentity, Flow, KindSettings, ProviderKind
from lowcraft.signin.errors import (
    EmailNotVerified,
    NonceMismatch,
    ProviderDenied,
    ProviderUnreachable,
    StateMismatch,
    TokenExpired,
    TokenInvalid,
    TokenSignatureInvalid,
    WrongAudience,
    WrongIssuer,
)
from lowcraft.signin.http import ProviderHttp

CACHE_SECONDS = 3600
MAX_CLOCK_SKEW_SECONDS = 300
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
GOOGLE_DISCOVERY = "https://accounts.google.com/.well-known/openid-configuration"
WELL_KNOWN = "/.well-known/openid-configuration"


class OidcSettings(KindSettings):
    discovery_url: str = Field(
        alias="discoveryUrl", min_length=8, max_length=2000,
        description="The provider's discovery document, or its issuer URL "
        "(`/.well-known/openid-configuration` is added).",
    )
    client_id: str = Field(alias="clientId", min_length=1, max_length=500)
    client_secret: str | None = Field(
        None, alias="clientSecret", max_length=2000, description="Write-only; leave empty for a public client."
    )
    scopes: str = Field("openid email profile", max_length=500, description="Space-separated; `openid` is always sent.")
    use_pkce: bool = Field(True, alias="usePkce", description="Send a PKCE (S256) challenge.")
    clock_skew_seconds: int = Field(
        60, alias="clockSkewSeconds", ge=0, le=MAX_CLOCK_SKEW_SECONDS,
        description="How far the provider's clock may be off when checking token times.",
    )

    @field_validator("discovery_url")
    @classmethod
    def _discovery(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("the discovery URL must be an http(s) address")
        return value if value.endswith(WELL_KNOWN) else value.rstrip("/") + WELL_KNOWN


class GoogleSettings(KindSettings):
    client_id: str = Field(alias="clientId", min_length=1, max_length=500)
    client_secret: str | None = Field(None, alias="clientSecret", max_length=2000, description="Write-only.")
    hosted_domain: str | None = Field(
        None, alias="hostedDomain", max_length=253,
        description="Only accounts of this Google Workspace domain (the `hd` claim).",
    )
    clock_skew_seconds: int = Field(60, alias="clockSkewSeconds", ge=0, le=MAX_CLOCK_SKEW_SECONDS)


class _Cache:
    """Discovery documents and key sets by URL, for `CACHE_SECONDS`; shared by every request."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, url: str, fetch: Any, *, fresh: bool = False) -> Any:
        now = time.monotonic()
        with self._lock:
            hit = self._values.get(url)
        if hit is not None and not fresh and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        value = fetch()
        with self._lock:
            self._values[url] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


documents = _Cache()


def _refusal_for(error: ClaimError) -> Exception:
    claim = error.claim
    if isinstance(error, ExpiredTokenError):
        return TokenExpired("The provider's ID token has expired. Sign in again.")
    if isinstance(error, MissingClaimError):
        return TokenInvalid(f"The provider's ID token lacks the claim(s) {claim}.")
    if claim == "aud":
        return WrongAudience("The provider's ID token was issued for another application.")
    if claim == "iss":
        return WrongIssuer("The ID token was not issued by the configured provider.")
    if claim == "nonce":
        return NonceMismatch("The provider's ID token does not belong to this sign-in (nonce mismatch).")
    if claim in ("iat", "nbf"):
        return TokenExpired("The provider's ID token is not valid yet; check the clocks.")
    return TokenInvalid(f"The provider's ID token has an invalid claim {claim}.")


class OidcKind(ProviderKind):
    kind = "oidc"
    label = "OpenID Connect"
    settings_model: ClassVar[type[KindSettings]] = OidcSettings
    secret_fields = ("clientSecret",)

    def _discovery_url(self, settings: Any) -> str:
        return str(settings.discovery_url)

    def _scopes(self, settings: Any) -> str:
        scopes = str(getattr(settings, "scopes", "openid email profile")).split()
        return " ".join(["openid", *[s for s in scopes if s != "openid"]])

    def _use_pkce(self, settings: Any) -> bool:
        return bool(getattr(settings, "use_pkce", True))

    def metadata(self, settings: Any, http: ProviderHttp) -> dict[str, Any]:
        url = self._discovery_url(settings)
        try:
            document = documents.get(url, lambda: http.get_json(url))
        except httpx.HTTPError as exc:
            raise ProviderUnreachable(f"The provider's discovery document could not be read: {exc}") from None
        required = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
        if not isinstance(document, dict) or any(not isinstance(document.get(k), str) for k in required):
            raise ProviderUnreachable(f"{url} is not an OpenID Connect discovery document.")
        return document

    def _client(self, settings: Any, redirect_uri: str, http: ProviderHttp) -> Any:
        return http.oauth_client(
            client_id=settings.client_id, client_secret=settings.client_secret or None,
            scope=self._scopes(settings), redirect_uri=redirect_uri,
            code_challenge_method="S256" if self._use_pkce(settings) else None,
            token_endpoint_auth_method="client_secret_basic" if settings.client_secret else "none",
        )

    def begin(self, settings: KindSettings, redirect_uri: str, flow: Flow, http: ProviderHttp) -> str:
        meta = self.metadata(settings, http)
        http.check_url(meta["authorization_endpoint"])
        with self._client(settings, redirect_uri, http) as client:
            extra: dict[str, str] = {}
            hosted = getattr(settings, "hosted_domain", None)
            if hosted:
                extra["hd"] = hosted
            url, _ = client.create_authorization_url(
                meta["authorization_endpoint"], state=flow.state, nonce=flow.nonce,
                code_verifier=flow.code_verifier if self._use_pkce(settings) else None, **extra,
            )
        return str(url)

    def complete(
        self, settings: KindSettings, redirect_uri: str, flow: Flow, params: Mapping[str, str], http: ProviderHttp
    ) -> ExternalIdentity:
        s: Any = settings
        check_answer(flow, params)
        meta = self.metadata(settings, http)
        try:
            with self._client(settings, redirect_uri, http) as client:
                token = client.fetch_token(
                    meta["token_endpoint"], grant_type="authorization_code", code=params["code"],
                    code_verifier=flow.code_verifier if self._use_pkce(settings) else None,
                )
        except AuthlibBaseError as exc:
            raise ProviderDenied(f"The provider refused the sign-in code: {exc.description or exc.error}.") from None
        except httpx.HTTPError as exc:
            raise ProviderUnreachable(f"The provider's token endpoint could not be reached: {exc}") from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise TokenInvalid("The provider answered without an ID token (is `openid` among the scopes?).")
        claims = self.verify_id_token(s, meta, id_token, flow, http)
        if not claims.get("email") and isinstance(meta.get("userinfo_endpoint"), str):
            claims = {**self._userinfo(meta["userinfo_endpoint"], str(token.get("access_token", "")), http, claims), **claims}
        hosted = getattr(s, "hosted_domain", None)
        if hosted and claims.get("hd") != hosted:
            raise EmailNotVerified(f"Only accounts of {hosted} may sign in with this provider.")
        return identity_from_claims(claims)

    def _userinfo(self, url: str, access_token: str, http: ProviderHttp, claims: dict[str, Any]) -> dict[str, Any]:
        try:
            info = http.get_json(url, headers={"Authorization": f"Bearer {access_token}"})
        except httpx.HTTPError as exc:
            raise ProviderUnreachable(f"The provider's user info could not be read: {exc}") from None
        if not isinstance(info, dict) or info.get("sub") != claims.get("sub"):
            raise TokenInvalid("The provider's user info is about someone else than its ID token.")
        return info

    def _keys(self, meta: dict[str, Any], http: ProviderHttp, *, fresh: bool = False) -> KeySet:
        url = meta["jwks_uri"]
        try:
            raw = documents.get(url, lambda: http.get_json(url), fresh=fresh)
            return KeySet.import_key_set(raw)
        except httpx.HTTPError as exc:
            raise ProviderUnreachable(f"The provider's signing keys could not be read: {exc}") from None
        except (JoseError, ValueError, TypeError, KeyError):
            raise ProviderUnreachable(f"{url} is not a JSON Web Key Set.") from None

    def verify_id_token(
        self, settings: Any, meta: dict[str, Any], id_token: str, flow: Flow, http: ProviderHttp
    ) -> dict[str, Any]:
        offered = meta.get("id_token_signing_alg_values_supported")
        algorithms = [a for a in SIGNING_ALGORITHMS if not isinstance(offered, list) or a in offered] or ["RS256"]
        keys = self._keys(meta, http)
        try:
            try:
                token = jwt.decode(id_token, keys, algorithms=algorithms)
            except (ValueError, JoseError) as first:
                # A key id the cached set lacks: the provider may have rotated its keys.
                if isinstance(first, BadSignatureError):
                    raise
                token = jwt.decode(id_token, self._keys(meta, http, fresh=True), algorithms=algorithms)
        except BadSignatureError:
            raise TokenSignatureInvalid("The provider's ID token signature does not verify.") from None
        except (ValueError, JoseError) as exc:
            raise TokenInvalid(f"The provider's ID token cannot be read: {exc}.") from None
        registry = jwt.JWTClaimsRegistry(
            leeway=int(settings.clock_skew_seconds),
            iss={"essential": True, "value": meta["issuer"]},
            aud={"essential": True, "value": settings.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": flow.nonce},
        )
        try:
            registry.validate(token.claims)
        except ClaimError as exc:
            raise _refusal_for(exc) from None
        claims = dict(token.claims)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != settings.client_id:
            raise _refusal_for(InvalidClaimError("aud"))
        return claims


class GoogleKind(OidcKind):
    """Google accounts: OpenID Connect at Google's discovery document; `hostedDomain` limits the
    accounts to one Google Workspace domain."""

    kind = "google"
    label = "Google"
    settings_model: ClassVar[type[KindSettings]] = GoogleSettings

    def _discovery_url(self, settings: Any) -> str:
        return GOOGLE_DISCOVERY


def check_answer(flow: Flow, params: Mapping[str, str]) -> None:
    """The callback carries this flow's state and a code, or the provider's error."""
    if not hmac.compare_digest(str(params.get("state", "")), flow.state):
        raise StateMismatch("This sign-in answer does not belong to a sign-in started in this browser. Start again.")
    if params.get("error"):
        description = params.get("error_description") or params["error"]
        raise ProviderDenied(f"The provider refused the sign-in: {description[:200]}")
    if not params.get("code"):
        raise ProviderDenied("The provider answered without a sign-in code.")


def identity_from_claims(claims: dict[str, Any]) -> ExternalIdentity:
    verified = claims.get("email_verified")
    email = claims.get("email")
    return ExternalIdentity(
        subject=str(claims["sub"]),
        email=str(email).strip().lower() if isinstance(email, str) and email.strip() else None,
        email_verified=verified is True or verified == "true",
        name=str(claims.get("name") or claims.get("preferred_username") or "")[:200],
        claims=claims,
    )
