"""Security headers on every response, and HEAD answered wherever GET is.

`SecurityHeaders` is the outermost layer of the server (outside the edge middleware and the
action-execution fast path), so no response leaves without `X-Content-Type-Options`,
`Referrer-Policy` and a framing rule, the edge's own refusals (CSRF, body limit) included.

The web client is one document (`index.html`) for every screen: it moves from the sign-in page
to a workspace, the editor or a viewer without reloading, so one Content-Security-Policy serves
them all. Only `frame-ancestors` differs per address, because it is checked when a page is loaded
into a frame: a published app's viewer address gets the origins its settings allow (none by
default), every other address `'none'`. See docs/security.md, "Headers and framing".
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from lowcraft.http.middleware import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("lowcraft.http")

REFERRER_POLICY = b"strict-origin-when-cross-origin"
# Anything not a page or a script (JSON, errors, styles, images) may never run or load anything
# if a browser is tricked into rendering it as a document.
NON_DOCUMENT_POLICY = b"default-src 'none'; frame-ancestors 'none'"
_NOSNIFF = (b"x-content-type-options", b"nosniff")
_REFERRER = (b"referrer-policy", REFERRER_POLICY)
_NON_DOCUMENT = (b"content-security-policy", NON_DOCUMENT_POLICY)
_DENY_FRAMING = (b"x-frame-options", b"DENY")
_NO_FRAMING = "frame-ancestors 'none'"
FRAME_ANCESTORS_CACHE_SECONDS = 5.0
FRAME_ANCESTORS_CACHE_SIZE = 2048

# /app/{id or slug} and /app/{id or slug}/{page slug}: the viewer (web/src/navigation/routes.ts).
# /app/{id}/edit/{page} is the editor, which is never framed.
_VIEWER_PATH = re.compile(r"/app/([^/]+)(?:/([^/]+))?/?")

_SOURCE = re.compile(
    r"(?:(?P<scheme>https?)://)?"
    r"(?P<host>(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])"
    r"(?::(?P<port>\d{1,5}|\*))?"
    r"(?:/[^\s;,'\"]*)?"
)


def frame_source(value: str) -> str | None:
    """An app's `frameAncestors` entry as a CSP source expression, or None if it is not one.

    Entries go into a response header, so only what CSP means by a host (`https://intranet.example`,
    `*.example.com`, `http://127.0.0.2:8000`), a scheme (`https:`), `'self'` or `*` passes; a path
    is dropped (browsers match ancestors by origin). Anything else (`;`, quotes, spaces, newlines)
    could add directives or headers and is refused.
    """
    text = value.strip().lower()
    if text in ("*", "https:", "http:"):
        return text
    if text in ("'self'", "self"):
        return "'self'"
    match = _SOURCE.fullmatch(text)
    if match is None or (match["port"] not in (None, "*") and not 0 < int(match["port"]) < 65536):
        return None
    scheme = f"{match['scheme']}://" if match["scheme"] else ""
    port = f":{match['port']}" if match["port"] else ""
    return f"{scheme}{match['host']}{port}"


def frame_ancestors_directive(allowed: Sequence[str]) -> str:
    sources = sorted({s for s in (frame_source(v) for v in allowed) if s is not None})
    return "frame-ancestors " + (" ".join(sources) if sources else "'none'")


def script_sources(recaptcha_script_url: str) -> list[str]:
    """Where page scripts may come from: Lowcraft itself, and the reCAPTCHA loader's folder.

    The folder rather than the whole host: www.google.com also serves JSONP endpoints that would
    run as script. Google's loader pulls its code from www.gstatic.com/recaptcha/, for
    www.google.com and its www.recaptcha.net mirror alike (developers.google.com/recaptcha/docs/faq,
    "CSP").
    """
    sources = ["'self'"]
    url = urlsplit(recaptcha_script_url)
    folder = url.path.rsplit("/", 1)[0] + "/"
    sources.append(f"{url.scheme}://{url.netloc}{folder}")
    host = (url.hostname or "").lower()
    if host.endswith(("google.com", "recaptcha.net")):
        sources.append("https://www.gstatic.com/recaptcha/")
    return sources


def page_policy(recaptcha_script_url: str) -> str:
    """The policy of the web client's pages, without `frame-ancestors` (added per address).

    - script-src: no inline script and no eval on the page; the engine's worker evaluates
      bindings, and its script response carries no policy of its own (see `SecurityHeaders`).
    - style-src 'unsafe-inline': CodeMirror adds <style> elements and ECharts writes style
      attributes into tooltip markup; neither can carry a nonce.
    - img-src and frame-src '*': the Image widget shows any picture address (and data:/blob:
      pictures), the IFrame widget embeds any web page; both are what app builders ask for.
      frame-src '*' also admits Lowcraft's own sandbox frames and Google's reCAPTCHA challenge.
    - worker-src 'self' blob: the evaluation worker.
    """
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(script_sources(recaptcha_script_url)),
        "style-src 'self' 'unsafe-inline'",
        "img-src * data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src *",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def viewer_key(path: str) -> str | None:
    """The application id or slug in a viewer address, else None."""
    match = _VIEWER_PATH.fullmatch(path)
    if match is None or match[2] == "edit":
        return None
    return match[1]


class FrameAncestorsCache:
    """Per app key, the origins allowed to frame its viewer, looked up at most every few seconds.

    `lookup` runs in a thread (it reads the store). A change of an app's setting reaches every
    replica within FRAME_ANCESTORS_CACHE_SECONDS; misses are cached too, so requests for made-up
    app addresses cost one lookup per key per period, in a bounded table.
    """

    def __init__(self, lookup: Callable[[str], Sequence[str]], ttl: float = FRAME_ANCESTORS_CACHE_SECONDS) -> None:
        self.lookup = lookup
        self.ttl = ttl
        self.entries: dict[str, tuple[float, str]] = {}

    async def directive(self, key: str) -> str:
        now = time.monotonic()
        cached = self.entries.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            allowed = await asyncio.to_thread(self.lookup, key)
        except Exception:
            # The store is unreachable: refuse framing rather than fail the page.
            log.exception("could not read the framing setting of application %r", key)
            return frame_ancestors_directive(())
        directive = frame_ancestors_directive(allowed)
        if len(self.entries) >= FRAME_ANCESTORS_CACHE_SIZE:
            self.entries.clear()
        self.entries[key] = (now + self.ttl, directive)
        return directive


@dataclass(frozen=True, slots=True)
class _Page:
    has_frame_rule: bool  # the route set X-Frame-Options itself


class SecurityHeaders:
    """Adds the security headers to every HTTP response; a header a route set itself is kept.

    - HTML: the page policy with its `frame-ancestors`, and `X-Frame-Options: DENY` unless the
      address may be framed (browsers that know CSP ignore X-Frame-Options; it is for the others).
    - JavaScript: no policy, because a worker runs under the policy of its own script response,
      and the evaluation worker compiles bindings with `new Function`.
    - Anything else: `default-src 'none'; frame-ancestors 'none'` and `X-Frame-Options: DENY`.
    - A response that already has a Content-Security-Policy (the sandbox frame's route, the API
      docs) keeps it and decides its own framing: no X-Frame-Options is added to it.
    """

    def __init__(self, app: ASGIApp, *, page_policy: str, frame_ancestors: FrameAncestorsCache) -> None:
        self.app = app
        self.page_policy = page_policy
        self.frame_ancestors = frame_ancestors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message["headers"] = list(message.get("headers", ()))
                page = self._add(headers)
                if page is not None:
                    # A page: its framing rule depends on the address (and, for a viewer, the store).
                    key = viewer_key(path)
                    ancestors = await self.frame_ancestors.directive(key) if key is not None else _NO_FRAMING
                    headers.append((b"content-security-policy", f"{self.page_policy}; {ancestors}".encode()))
                    if ancestors == _NO_FRAMING and not page.has_frame_rule:
                        headers.append(_DENY_FRAMING)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _add(headers: list[tuple[bytes, bytes]]) -> _Page | None:
        """Adds what every response gets; for a page that still needs its policy, what it has.

        One pass over the headers, no allocation in the common case: this runs for every response,
        action executions included (about 3 us per response, measured in process).
        """
        content_type = b""
        has_policy = has_frame_rule = has_nosniff = has_referrer = False
        for name, value in headers:
            name = name.lower()
            if name == b"content-type":
                content_type = value
            elif name == b"content-security-policy":
                has_policy = True
            elif name == b"x-frame-options":
                has_frame_rule = True
            elif name == b"x-content-type-options":
                has_nosniff = True
            elif name == b"referrer-policy":
                has_referrer = True
        if not has_nosniff:
            headers.append(_NOSNIFF)
        if not has_referrer:
            headers.append(_REFERRER)
        if has_policy:
            return None
        if content_type[:9].lower() == b"text/html":
            return _Page(has_frame_rule)
        if b"javascript" not in content_type:
            headers.append(_NON_DOCUMENT)
        if not has_frame_rule:
            headers.append(_DENY_FRAMING)
        return None


class HeadAsGet:
    """Answers HEAD as the same GET without its body, so HEAD works wherever GET does.

    FastAPI's routes and the web client's catch-all route answer GET only (HEAD / used to be a
    405). The request is passed on as a copy of its scope: the server reads the original's method
    to know it must send no body.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
