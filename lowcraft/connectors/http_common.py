"""What the REST and GraphQL connectors share: auth, the guarded client, limits, error mapping."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, Field

from lowcraft.connectors.base import InstancePolicy, Limits
from lowcraft.connectors.errors import (
    AuthFailed,
    BadParameters,
    ConnectionFailed,
    ConnectorError,
    QueryFailed,
    ResponseTooLarge,
    Timeout,
)
from lowcraft.connectors.netguard import resolve_allowed
from lowcraft.connectors.schema import Secret

REDACTED = "****"


class KeyValue(BaseModel):
    """One header, query parameter or form field."""

    key: str
    value: str = ""


class HttpAuth(BaseModel):
    """How requests authenticate; only the fields of the chosen `type` are used."""

    type: Literal["none", "basic", "bearer", "api_key", "oauth2_client_credentials"] = "none"
    username: str = ""
    password: Annotated[str, Secret()] = ""
    token: Annotated[str, Secret()] = ""
    api_key_name: str = "X-API-Key"
    api_key_value: Annotated[str, Secret()] = ""
    api_key_in: Literal["header", "query"] = "header"
    token_url: str = ""
    client_id: str = ""
    client_secret: Annotated[str, Secret()] = ""
    scope: str = ""


class HttpConnectionConfig(BaseModel):
    """A REST or GraphQL datasource: where it is, what every request carries, how it authenticates."""

    base_url: str = Field(default="", description="Prefix for every request, e.g. https://api.example.com/v1")
    headers: list[KeyValue] = Field(default_factory=list)
    query_params: list[KeyValue] = Field(default_factory=list)
    auth: HttpAuth = Field(default_factory=HttpAuth)
    verify_tls: bool = True
    follow_redirects: bool = True
    max_redirects: int = Field(default=5, ge=0, le=20)


# --- clients ------------------------------------------------------------------------------------

class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that connects only to allowed addresses, pinned to the checked IP
    (`lowcraft.connectors.netguard`). It lives here, with the connectors that use httpx, so that
    httpx (50-80 ms of import) loads with the first REST or GraphQL query, not at every start.
    """

    def __init__(self, policy: InstancePolicy, *, verify: bool = True) -> None:
        self.policy = policy
        self._inner = httpx.AsyncHTTPTransport(verify=verify, retries=0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        address = await resolve_allowed(host, port, self.policy)
        if address != host:
            if request.url.scheme == "https":
                request.extensions = {**request.extensions, "sni_hostname": host}
            # The Host header keeps the name; only the socket goes to the checked address.
            request.url = request.url.copy_with(host=address)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


_transports: dict[tuple[int, str, bool], GuardedTransport] = {}


def client_for(policy: InstancePolicy, config: HttpConnectionConfig) -> httpx.AsyncClient:
    """A client over a shared, guarded connection pool; cookies never outlive one execution."""
    loop = asyncio.get_running_loop()
    key = (id(loop), policy.network_key, config.verify_tls)
    transport = _transports.get(key)
    if transport is None:
        for stale in [k for k in _transports if k[0] != id(loop)]:
            del _transports[stale]  # pools of event loops that ended (tests run several)
        transport = _transports[key] = GuardedTransport(policy, verify=config.verify_tls)
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=config.follow_redirects,
        max_redirects=config.max_redirects,
        trust_env=False,
        timeout=None,  # the execution's own deadline governs
    )


# --- auth ---------------------------------------------------------------------------------------

_token_cache: dict[str, tuple[str, float]] = {}


async def _client_credentials_token(client: httpx.AsyncClient, auth: HttpAuth) -> str:
    cache_key = hashlib.sha256(
        json.dumps([auth.token_url, auth.client_id, auth.client_secret, auth.scope]).encode()
    ).hexdigest()
    cached = _token_cache.get(cache_key)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    form = {"grant_type": "client_credentials"}
    if auth.scope:
        form["scope"] = auth.scope
    response = await client.post(
        auth.token_url, data=form, auth=httpx.BasicAuth(auth.client_id, auth.client_secret)
    )
    if response.status_code in (400, 401, 403):
        raise AuthFailed(
            f"The OAuth2 token endpoint refused the client credentials (HTTP {response.status_code})."
        )
    if response.is_error:
        raise ConnectionFailed(f"The OAuth2 token endpoint answered HTTP {response.status_code}.")
    try:
        payload = response.json()
        token = str(payload["access_token"])
    except (ValueError, KeyError, TypeError):
        raise AuthFailed("The OAuth2 token endpoint did not return an access_token.") from None
    expires_in = payload.get("expires_in")
    lifetime = float(expires_in) if isinstance(expires_in, (int, float)) else 300.0
    if len(_token_cache) > 256:
        _token_cache.clear()
    _token_cache[cache_key] = (token, time.monotonic() + max(lifetime - 30, 0))
    return token


async def apply_auth(
    client: httpx.AsyncClient, auth: HttpAuth, headers: dict[str, str], params: list[tuple[str, str]]
) -> None:
    """Add the credentials of `auth` to outgoing `headers` or query `params`."""
    if auth.type == "basic":
        raw = f"{auth.username}:{auth.password}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
    elif auth.type == "bearer":
        headers["Authorization"] = f"Bearer {auth.token}"
    elif auth.type == "api_key":
        if auth.api_key_in == "header":
            headers[auth.api_key_name] = auth.api_key_value
        else:
            params.append((auth.api_key_name, auth.api_key_value))
    elif auth.type == "oauth2_client_credentials":
        if not auth.token_url:
            raise BadParameters("OAuth2 client credentials need a token URL.")
        headers["Authorization"] = "Bearer " + await _client_credentials_token(client, auth)


def redacted_headers(headers: dict[str, str], auth: HttpAuth) -> dict[str, str]:
    secret_names = {"authorization", "proxy-authorization", "cookie"}
    if auth.type == "api_key" and auth.api_key_in == "header":
        secret_names.add(auth.api_key_name.lower())
    return {k: (REDACTED if k.lower() in secret_names else v) for k, v in headers.items()}


def redacted_url(url: httpx.URL, auth: HttpAuth) -> str:
    if auth.type == "api_key" and auth.api_key_in == "query" and auth.api_key_name in url.params:
        url = url.copy_set_param(auth.api_key_name, REDACTED)
    return str(url)


# --- sending ------------------------------------------------------------------------------------


@dataclass(slots=True)
class HttpReply:
    """A response read within the size cap."""

    status_code: int
    reason: str
    headers: dict[str, str]
    body: Any
    url: httpx.URL
    size: int


def decode_body(content: bytes, content_type: str) -> Any:
    """JSON when the server says so (or it parses), text when it decodes, else base64."""
    if not content:
        return None
    if "json" in content_type:
        try:
            return json.loads(content)
        except ValueError:
            pass
    try:
        text = content.decode()
    except UnicodeDecodeError:
        return base64.b64encode(content).decode()
    if content_type == "" and text[:1] in "{[":
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


async def send(
    client: httpx.AsyncClient, request: httpx.Request, max_bytes: int, already: int = 0
) -> HttpReply:
    """Send `request`, following redirects, reading at most `max_bytes` (minus `already` read)."""
    response = await client.send(request, stream=True)
    try:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) + already > max_bytes:
            raise too_large(max_bytes)
        chunks: list[bytes] = []
        size = already
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise too_large(max_bytes)
            chunks.append(chunk)
    finally:
        await response.aclose()
    headers: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    body = decode_body(b"".join(chunks), response.headers.get("content-type", ""))
    return HttpReply(response.status_code, response.reason_phrase, headers, body, response.url, size)


def too_large(max_bytes: int) -> ResponseTooLarge:
    mb = max_bytes / (1024 * 1024)
    return ResponseTooLarge(f"The response is larger than the {mb:g} MB this instance allows.")


def raise_for_status(reply: HttpReply) -> None:
    """Turn an error status into `QueryFailed`, keeping the server's answer for the result."""
    if reply.status_code < 400:
        return
    detail = ""
    if isinstance(reply.body, dict):
        for key in ("message", "error_description", "error", "detail", "title"):
            if isinstance(reply.body.get(key), str):
                detail = ": " + reply.body[key]
                break
    elif isinstance(reply.body, str) and reply.body.strip():
        detail = ": " + reply.body.strip()[:300]
    error_class = AuthFailed if reply.status_code in (401, 403) else QueryFailed
    raise error_class(
        f"The server answered HTTP {reply.status_code} {reply.reason}{detail}",
        details={"statusCode": reply.status_code, "body": reply.body, "headers": reply.headers},
    )


def host_of(url: str) -> str:
    return urlsplit(url).hostname or url


@contextmanager
def map_http_errors(limits: Limits | None = None) -> Iterator[None]:
    """Translate httpx and deadline errors into connector errors."""
    try:
        yield
    except ConnectorError:
        raise
    except (TimeoutError, httpx.TimeoutException):
        seconds = f" within {limits.timeout_seconds:g} s" if limits else ""
        raise Timeout(f"The server did not answer{seconds}.") from None
    except httpx.TooManyRedirects:
        raise QueryFailed(
            "The server redirected too many times.", "Check the URL or raise the redirect limit."
        ) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise BadParameters(f"The URL is not usable: {exc}", "Use a full http:// or https:// URL.") from None
    except httpx.ConnectError as exc:
        raise ConnectionFailed(f"Could not connect: {exc or 'connection refused'}.") from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
        raise ConnectionFailed(f"The connection broke mid-way: {exc or type(exc).__name__}.") from None
    except httpx.HTTPError as exc:
        raise ConnectionFailed(f"The request failed: {exc or type(exc).__name__}.") from None
