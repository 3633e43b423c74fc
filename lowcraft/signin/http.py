"""Outgoing calls to sign-in providers: one httpx client shape, behind an address check.

Provider addresses are set by instance administrators (or the environment), whom the instance
trusts more than the Developers who write datasources, so the rules are not the datasource
network guard's: private networks are allowed (an intranet Keycloak or ADFS is the usual case),
but link-local and cloud metadata addresses, the instance's own store and Redis, and
`LOWCRAFT_DENIED_ADDRESSES` never are, and loopback only with `LOWCRAFT_SIGN_IN_ALLOW_LOOPBACK`
(tests, a provider on the same machine). Plain `http://` is accepted only for loopback, where
that setting allows it. Each request's host is resolved and checked before httpx connects; the
connection is not pinned to the checked address (no rebinding defence: the name is the
administrator's own choice).
"""

from __future__ import annotations

import ipaddress
import socket
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # loaded with the first sign-in, not at start-up (authlib, joserfc, httpx: ~40 ms)
    import httpx
    from authlib.integrations.httpx_client import OAuth2Client

from lowcraft.connectors.errors import ForbiddenAddress
from lowcraft.connectors.netguard import InstancePolicy, check_address
from lowcraft.signin.errors import ProviderAddressRefused, ProviderUnreachable

TIMEOUT_SECONDS = 10.0
MAX_JSON_BYTES = 1_000_000


@dataclass(frozen=True)
class ProviderHttp:
    """Makes the httpx clients provider kinds use; `policy` decides which addresses they reach."""

    policy: InstancePolicy
    """Denied services and link-local refusals from the datasource guard; private networks allowed."""
    allow_loopback: bool = False
    timeout: float = TIMEOUT_SECONDS

    def check_url(self, url: str) -> None:
        """Refuse a provider address this instance may not call (raises `ProviderAddressRefused`)."""
        parts = urlsplit(url)
        host = parts.hostname
        if parts.scheme not in ("https", "http") or not host:
            raise ProviderAddressRefused(f"{url!r} is not an http(s) address.")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise ProviderUnreachable(f"The provider's host {host} could not be resolved ({exc.strerror}).") from None
        for info in infos:
            try:
                ip = check_address(str(info[4][0]), self.policy, port, name=host)
            except ForbiddenAddress as exc:
                raise ProviderAddressRefused(f"Sign-in provider address refused: {exc.message}") from None
            mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
            loopback = ip.is_loopback or (mapped is not None and mapped.is_loopback)
            if loopback and not self.allow_loopback:
                raise ProviderAddressRefused(
                    f"{host} is a loopback address; sign-in providers may use one only with "
                    "LOWCRAFT_SIGN_IN_ALLOW_LOOPBACK=true."
                )
            if parts.scheme == "http" and not loopback:
                raise ProviderAddressRefused(f"{url!r}: providers must use https (plain http only on loopback).")

    def _on_request(self, request: httpx.Request) -> None:
        self.check_url(str(request.url))

    def oauth_client(self, **options: Any) -> OAuth2Client:
        """authlib's OAuth 2 client (itself an httpx client) with the address check on each request."""
        import authlib.deprecate  # noqa: F401 - its filter first, so the one below takes precedence

        with warnings.catch_warnings():
            # authlib 1.9.10 prefers the `httpx2` fork and warns when it falls back to httpx, which
            # this project uses everywhere; the fallback is the same client API.
            warnings.filterwarnings("ignore", message="The httpx module is deprecated")
            from authlib.integrations.httpx_client import OAuth2Client

        return OAuth2Client(
            timeout=self.timeout, follow_redirects=False, event_hooks={"request": [self._on_request]}, **options
        )

    def get_json(self, url: str, *, headers: dict[str, str] | None = None) -> Any:
        """GET a JSON document from the provider (discovery, keys, user info)."""
        import httpx

        with httpx.Client(timeout=self.timeout, follow_redirects=False, event_hooks={"request": [self._on_request]}) as client:
            return read_json(client.get(url, headers={"Accept": "application/json", **(headers or {})}), url)


def read_json(response: httpx.Response, url: str) -> Any:
    if response.status_code != 200:
        raise ProviderUnreachable(f"The provider answered {response.status_code} to {url}.")
    if len(response.content) > MAX_JSON_BYTES:
        raise ProviderUnreachable(f"The provider's answer from {url} is too large.")
    try:
        return response.json()
    except ValueError:
        raise ProviderUnreachable(f"The provider's answer from {url} is not JSON.") from None
