"""Fetching a library's code once, on the server: through the connectors' network guard (public
addresses only unless the workspace may reach private networks), only from allowed URL prefixes
(every redirect too), within a size cap and a deadline. Nothing here knows users or the store.

It imports httpx (50-80 ms), so the service loads it with the first fetch, not at every start.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from lowcraft.connectors.base import InstancePolicy
from lowcraft.connectors.errors import ConnectorError
from lowcraft.connectors.http_common import GuardedTransport, map_http_errors
from lowcraft.jslibs.errors import LibraryFetchFailed, LibraryTooLarge, LibraryUrlNotAllowed, NotALibrary
from lowcraft.jslibs.urls import not_allowed

FETCH_SECONDS = 20.0
MAX_REDIRECTS = 5


@dataclass(frozen=True, slots=True)
class FetchedCode:
    url: str
    """The URL asked for (what the app records)."""
    final_url: str
    """Where the code came from after redirects."""
    code: str
    size: int
    sha256: str


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _text(body: bytes, url: str) -> str:
    try:
        code = body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise NotALibrary(f"{url[:300]} did not answer with UTF-8 text, so it is no JavaScript library.") from None
    head = code.lstrip()[:200].lower()
    if head.startswith("<") and ("<html" in head or "<!doctype" in head or "<head" in head or "<body" in head):
        raise NotALibrary(f"{url[:300]} answered with a web page, not a JavaScript file; use the address of the .js file.")
    if "\x00" in code:
        raise NotALibrary(f"{url[:300]} answered with binary data, not JavaScript.")
    if not code.strip():
        raise NotALibrary(f"{url[:300]} answered with an empty file.")
    return code


async def fetch_code(
    url: str, allows: Callable[[str], bool], policy: InstancePolicy, max_bytes: int, *, seconds: float = FETCH_SECONDS
) -> FetchedCode:
    """GET `url` (following up to 5 redirects, each checked against `allows` and the guard)."""
    if not allows(url):
        raise not_allowed(url)
    transport = GuardedTransport(policy)
    try:
        async with httpx.AsyncClient(transport=transport, follow_redirects=False, trust_env=False, timeout=None) as client:
            async with asyncio.timeout(seconds):
                current = url
                for _ in range(MAX_REDIRECTS + 1):
                    body, location, status = await _get(client, current, max_bytes)
                    if location is None:
                        if status >= 400:
                            raise LibraryFetchFailed(f"{current[:300]} answered HTTP {status}.")
                        code = _text(body, current)
                        return FetchedCode(url, current, code, len(body), hashlib.sha256(body).hexdigest())
                    target = urljoin(current, location)
                    if not allows(target):
                        raise LibraryUrlNotAllowed(
                            f"{current[:300]} redirects to {target[:300]}, which is not below an allowed URL.",
                            details={"field": "url"},
                        )
                    current = target
                raise LibraryFetchFailed(f"{url[:300]} redirects more than {MAX_REDIRECTS} times.")
    except TimeoutError:
        raise LibraryFetchFailed(f"{url[:300]} did not answer within {seconds:g} s.") from None
    except ConnectorError as error:
        # The network guard's refusals and httpx's failures, in the connectors' words.
        raise LibraryFetchFailed(f"Could not fetch {url[:300]}: {error.message}", details={"reason": error.code}) from None
    finally:
        await transport.aclose()


async def _get(client: httpx.AsyncClient, url: str, max_bytes: int) -> tuple[bytes, str | None, int]:
    with map_http_errors():
        request = client.build_request("GET", url, headers={"Accept": "text/javascript, application/javascript, */*"})
        response = await client.send(request, stream=True)
        try:
            if response.is_redirect and response.headers.get("location"):
                return b"", response.headers["location"], response.status_code
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise LibraryTooLarge(f"The library is larger than the {_megabytes(max_bytes)} this instance accepts.")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise LibraryTooLarge(f"The library is larger than the {_megabytes(max_bytes)} this instance accepts.")
                chunks.append(chunk)
            return b"".join(chunks), None, response.status_code
        finally:
            await response.aclose()
