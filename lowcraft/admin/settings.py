"""Instance settings: what the environment sets (`LOWCRAFT_*`, for infrastructure as code) and what
instance administrators saved in the store, read together.

Today one setting lives here: the URL prefixes from which Developers may install JS libraries into
their apps (`LOWCRAFT_JS_LIBRARY_URLS` plus the saved list). A library is code every viewer of the
app runs, so which sources are trusted is the instance's decision, not a workspace's. Default: none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lowcraft.admin.errors import InvalidUrlPrefix
from lowcraft.admin.models import InstanceSetting
from lowcraft.context import Context

JS_LIBRARY_URLS = "jsLibraryUrls"
MAX_PREFIXES = 100

# Dot segments, backslashes and encoded dots or slashes could walk a URL out of an allowed folder.
_ESCAPES = re.compile(r"(^|/)\.{1,2}(/|$)|\\|%2e|%2f|%5c", re.IGNORECASE)


@dataclass(frozen=True)
class LibraryUrlPolicy:
    """Where JS libraries may be installed from: the environment's prefixes and the saved ones."""

    from_environment: tuple[str, ...]
    saved: tuple[str, ...]

    @property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.from_environment, *self.saved)))

    def allows(self, url: str) -> bool:
        return url_is_plain(url) and any(url.startswith(prefix) for prefix in self.prefixes)


def url_is_plain(url: str) -> bool:
    """An http(s) URL with a host, no credentials, no fragment and no path tricks."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and not parts.fragment
        and not any(c.isspace() for c in url)
        and _ESCAPES.search(parts.path) is None
    )


def normalise_prefix(prefix: str) -> str:
    """A prefix as it is matched: `scheme://host[:port]/path...`, with at least the `/` after the
    host, so `https://cdn.example.com` never matches `https://cdn.example.com.evil.net/`."""
    prefix = prefix.strip()
    if "://" in prefix and "/" not in prefix.split("://", 1)[1]:
        prefix += "/"
    if not url_is_plain(prefix) or len(prefix) > 500:
        raise InvalidUrlPrefix(
            f"'{prefix[:100]}' is not an allowed-URL prefix; write an address like https://cdn.jsdelivr.net/npm/",
            details={"field": JS_LIBRARY_URLS},
        )
    scheme, rest = prefix.split("://", 1)
    host, _, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}/{path}"


def environment_prefixes(ctx: Context) -> tuple[str, ...]:
    """`LOWCRAFT_JS_LIBRARY_URLS`, normalised; an entry that is no prefix is left out (and shown
    to administrators as it is, so they can fix the variable)."""
    out = []
    for entry in ctx.runtime.settings.js_library_url_prefixes:
        try:
            out.append(normalise_prefix(entry))
        except InvalidUrlPrefix:
            continue
    return tuple(out)


def library_url_policy(ctx: Context) -> LibraryUrlPolicy:
    """The library URL policy in force (no permission check: every install reads it)."""
    row = ctx.db.get(InstanceSetting, JS_LIBRARY_URLS)
    saved = tuple(str(p) for p in row.value) if row is not None and isinstance(row.value, list) else ()
    return LibraryUrlPolicy(environment_prefixes(ctx), saved)


def save_library_urls(ctx: Context, prefixes: list[str]) -> tuple[str, ...]:
    """Store the administrators' prefixes (the caller checked who may); returns them normalised."""
    if len(prefixes) > MAX_PREFIXES:
        raise InvalidUrlPrefix(f"At most {MAX_PREFIXES} prefixes.", details={"field": JS_LIBRARY_URLS})
    cleaned = tuple(dict.fromkeys(normalise_prefix(p) for p in prefixes if p.strip()))
    row = ctx.db.get(InstanceSetting, JS_LIBRARY_URLS)
    if row is None:
        row = InstanceSetting(key=JS_LIBRARY_URLS, value=list(cleaned))
        ctx.db.add(row)
    else:
        row.value = list(cleaned)
    row.updated_by = ctx.user.id if ctx.user else None
    return cleaned
