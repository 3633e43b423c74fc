"""An OpenID Connect provider for the tests, built on authlib's server side, on a loopback port.

It is a real provider: discovery document, authorization endpoint (the authorization code grant
with PKCE required and the OpenID Connect extension), token endpoint with client authentication,
and a JWK set; ID tokens are JWTs signed with its own RSA key. Nothing of Lowcraft's side is
replaced: Lowcraft talks to it over HTTP as it would to Keycloak or Okta.

A test says who signs in (`person`) and may make the provider misbehave the way attackers or
broken providers do (`misbehave`): sign with another key, issue for another audience, issue an
expired token, answer with another nonce.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

CLIENT_ID = "lowcraft-test"
CLIENT_SECRET = "s3cret-of-the-test-client"


@dataclass
class Person:
    subject: str
    email: str
    email_verified: bool = True
    name: str = "Test Person"
    groups: list[str] = field(default_factory=list)


class Client(ClientMixin):
    def __init__(self, redirect_uris: list[str]) -> None:
        self.redirect_uris = redirect_uris

    def get_client_id(self) -> str:
        return CLIENT_ID

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in ("openid", "email", "profile", "groups"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == CLIENT_SECRET

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    person: Person

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return int(time.time())

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None

    def is_expired(self) -> bool:
        return False


class TestProvider:
    """The provider's state: its key, its client, who signs in next, and what it does wrong."""

    __test__ = False  # not a test class

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig"})
        self.rogue_key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig"})
        self.person = Person("alice-001", "alice@example.com", groups=["engineering"])
        self.misbehave: set[str] = set()
        self.codes: dict[str, Code] = {}
        self.redirect_uris: list[str] = []
        self.issuer = ""
        self.token_requests = 0
        self.server = self._server()

    def _server(self) -> AuthorizationServer:
        provider = self

        class Grant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")

            def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
                data = request.payload.data
                provider.codes[code] = Code(
                    code, data["redirect_uri"], request.payload.scope, data.get("nonce"),
                    data.get("code_challenge"), data.get("code_challenge_method"), request.user,
                )

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                return provider.codes.get(code)

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> Person:
                return authorization_code.person

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
                return False

            def resolve_client_private_key(self, client: Client) -> Any:
                return provider.rogue_key if "sign_with_other_key" in provider.misbehave else provider.key

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [CLIENT_ID]}

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": "test-key-1"}

            def get_client_algorithm(self, client: Client) -> str:
                return "RS256"

            def generate_user_info(self, user: Person, scope: str) -> UserInfo:
                info = UserInfo(sub=user.subject, name=user.name, email=user.email,
                                email_verified=user.email_verified, groups=user.groups)
                now = int(time.time())
                # Claims set here win over the ones authlib set before (it updates with these).
                if "wrong_audience" in provider.misbehave:
                    info["aud"] = ["someone-else"]
                if "expired" in provider.misbehave:
                    info["iat"], info["exp"] = now - 7200, now - 3600
                if "wrong_nonce" in provider.misbehave:
                    info["nonce"] = "not-the-nonce-lowcraft-sent"
                if "wrong_issuer" in provider.misbehave:
                    info["iss"] = "https://impostor.example"
                return info

        class Server(AuthorizationServer):
            def query_client(self, client_id: str) -> Client | None:
                return Client(provider.redirect_uris) if client_id == CLIENT_ID else None

            def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
                provider.token_requests += 1

            def create_oauth2_request(self, request: Any) -> OAuth2Request:
                return request  # built by `_request` below

            def handle_response(self, status: int, body: Any, headers: Any) -> Response:
                if isinstance(body, dict):
                    if "tamper_signature" in provider.misbehave and "id_token" in body:
                        head, payload, signature = body["id_token"].split(".")
                        claims = json.loads(_b64decode(payload))
                        claims["email"] = "mallory@example.com"
                        body["id_token"] = ".".join([head, _b64encode(json.dumps(claims).encode()), signature])
                    return JSONResponse(body, status_code=status, headers=dict(headers))
                return Response(body, status_code=status, headers=dict(headers))

            def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
                return None

        server = Server()
        server.register_token_generator("default", BearerTokenGenerator(lambda **_: _random(), None, None))
        server.register_grant(Grant, [CodeChallenge(required=True), IdToken(require_nonce=True)])
        return server

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def app(self) -> Starlette:
        async def discovery(_: Request) -> Response:
            return JSONResponse(self.discovery())

        async def jwks(_: Request) -> Response:
            return JSONResponse(self.jwks())

        async def authorize(request: Request) -> Response:
            form = dict(await request.form()) if request.method == "POST" else {}
            oauth_request = _request(request, {**request.query_params, **form})
            if request.method == "GET" and "interactive" in self.misbehave:
                # A person-facing page, as real providers have: the browser test presses the button.
                return HTMLResponse(
                    f"<!doctype html><title>Test provider</title><form method=post action='/authorize?"
                    f"{urlencode(dict(request.query_params))}'><p>Sign in as {self.person.email}</p>"
                    "<button name=approve value=1>Continue</button></form>"
                )
            return self.server.create_authorization_response(oauth_request, grant_user=self.person)

        async def token(request: Request) -> Response:
            form = {k: str(v) for k, v in (await request.form()).items()}
            return self.server.create_token_response(_request(request, form))

        return Starlette(routes=[
            Route("/.well-known/openid-configuration", discovery),
            Route("/jwks", jwks),
            Route("/authorize", authorize, methods=["GET", "POST"]),
            Route("/token", token, methods=["POST"]),
        ])


class _Request(OAuth2Request):
    def __init__(self, request: Request, data: dict[str, str]) -> None:
        super().__init__(request.method, str(request.url), headers=request.headers)
        self.payload = BasicOAuth2Payload(data)
        self._args = dict(request.query_params)
        self._form = data

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


def _request(request: Request, data: dict[str, Any]) -> _Request:
    return _Request(request, {k: str(v) for k, v in data.items()})


def _random() -> str:
    import secrets

    return secrets.token_urlsafe(24)


def _b64decode(part: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class RunningProvider:
    """The provider served by uvicorn on 127.0.0.1, on a free port, in a daemon thread."""

    def __init__(self, provider: TestProvider) -> None:
        self.provider = provider
        config = uvicorn.Config(provider.app(), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test OpenID provider did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.provider.issuer = f"http://127.0.0.1:{port}"
        return self.provider.issuer

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
