"""What a library URL says: whether it may be fetched (the refusal), and the library's name and version."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lowcraft.jslibs.errors import LibraryUrlNotAllowed


def not_allowed(url: str) -> LibraryUrlNotAllowed:
    return LibraryUrlNotAllowed(
        f"{url[:300]} is not below a URL an instance administrator allowed for JS libraries "
        "(Admin, JS libraries, or LOWCRAFT_JS_LIBRARY_URLS).",
        details={"field": "url"},
    )


_PACKAGE_AT_VERSION = re.compile(r"/((?:@[^/@]+/)?[^/@]+)@([^/]+)/")
_CDNJS = re.compile(r"/ajax/libs/([^/]+)/([^/]+)/")
_FILE = re.compile(r"([^/]+?)(?:\.min)?\.(?:m?js|umd\.js)$")


def name_and_version(url: str) -> tuple[str, str | None]:
    """A library's name and version from its URL: `.../npm/bcryptjs@2.4.3/dist/bcrypt.js` gives
    ("bcryptjs", "2.4.3"), cdnjs's `/ajax/libs/name/1.2.3/` likewise; else the file's name."""
    path = unquote(urlsplit(url).path)
    found = _PACKAGE_AT_VERSION.search(path + "/")
    if found:
        return found.group(1)[:100], found.group(2)[:100]
    found = _CDNJS.search(path)
    if found:
        return found.group(1)[:100], found.group(2)[:100]
    last = path.rstrip("/").rsplit("/", 1)[-1]
    file = _FILE.search(last)
    return ((file.group(1) if file else last) or urlsplit(url).hostname or "library")[:100], None
