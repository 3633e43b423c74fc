"""What a library URL says (name, version) and which URLs an allowed prefix admits."""

from __future__ import annotations

import pytest

from lowcraft.admin.errors import InvalidUrlPrefix
from lowcraft.admin.settings import LibraryUrlPolicy, normalise_prefix
from lowcraft.jslibs.urls import name_and_version


@pytest.mark.parametrize(("url", "expected"), [
    ("https://cdn.jsdelivr.net/npm/bcryptjs@2.4.3/dist/bcrypt.min.js", ("bcryptjs", "2.4.3")),
    ("https://unpkg.com/fast-xml-parser@4.3.2/lib/fxparser.min.js", ("fast-xml-parser", "4.3.2")),
    ("https://cdn.jsdelivr.net/npm/@turf/turf@6.5.0/turf.min.js", ("@turf/turf", "6.5.0")),
    ("https://cdnjs.cloudflare.com/ajax/libs/jszip/3.10.1/jszip.min.js", ("jszip", "3.10.1")),
    ("https://example.com/libs/tinycsv.umd.js", ("tinycsv", None)),
    ("https://example.com/libs/pad.js", ("pad", None)),
])
def test_a_librarys_name_and_version_come_from_its_url(url: str, expected: tuple[str, str | None]) -> None:
    assert name_and_version(url) == expected


def test_a_prefix_admits_urls_below_it_and_nothing_that_only_starts_alike() -> None:
    policy = LibraryUrlPolicy((normalise_prefix("https://CDN.example.com"),), (normalise_prefix("https://unpkg.com/dayjs@1.11.10/"),))
    assert policy.prefixes == ("https://cdn.example.com/", "https://unpkg.com/dayjs@1.11.10/")
    assert policy.allows("https://cdn.example.com/npm/x.js")
    assert policy.allows("https://unpkg.com/dayjs@1.11.10/dayjs.min.js")
    for refused in (
        "https://cdn.example.com.evil.net/x.js",
        "https://unpkg.com/dayjs@1.11.11/dayjs.min.js",
        "https://unpkg.com/dayjs@1.11.10/../evil@1.0.0/x.js",
        "https://unpkg.com/dayjs@1.11.10/%2e%2e/evil/x.js",
        "https://unpkg.com/dayjs@1.11.10/..%2Fevil/x.js",
        "https://unpkg.com/dayjs@1.11.10/a\\..\\b.js",
        "https://user:pw@cdn.example.com/x.js",
        "https://cdn.example.com/x.js#fragment",
        "http://cdn.example.com/x.js",
        "javascript:alert(1)",
    ):
        assert not policy.allows(refused), refused


@pytest.mark.parametrize("bad", ["", "cdn.example.com/", "ftp://cdn.example.com/", "https:///x/", "https://a b.com/"])
def test_a_prefix_must_be_a_web_address(bad: str) -> None:
    with pytest.raises(InvalidUrlPrefix):
        normalise_prefix(bad)
