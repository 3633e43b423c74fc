"""Response models of the JS library routes."""

from __future__ import annotations

from pydantic import Field

from lowcraft.http.openapi import Out


class JsLibraryOut(Out):
    """A library installed in an application."""

    name: str
    url: str = Field(description="Where the server fetched it from (once, at install).")
    version: str | None
    accessor: list[str] = Field(description="The global names it defines, usable in bindings and JS objects.")
    sha256: str = Field(description="Hash of its code; the code is served at .../js-libraries/code/{sha256}.")


class JsLibraryList(Out):
    libraries: list[JsLibraryOut]
    allowed_url_prefixes: list[str] = Field(
        alias="allowedUrlPrefixes",
        description="URL prefixes an instance administrator allowed libraries from; empty: none may be installed.",
    )
    max_bytes: int = Field(alias="maxBytes", description="Largest library the server fetches.")


class FetchedLibrary(Out):
    """Code the server fetched and keeps for an install; not yet part of the app."""

    url: str
    sha256: str
    size: int
    name: str = Field(description="The library's name, guessed from its URL.")
    version: str | None = Field(description="Its version, guessed from its URL.")


class LibraryImportOutcome(Out):
    """What became of one JS library of an imported document."""

    name: str
    url: str
    installed: bool
    problem: str | None = Field(description="Why it was not installed.")


class LibraryCode(Out):
    """A library's code as the server fetched it."""

    sha256: str
    url: str = Field(description="Where it was fetched from.")
    size: int
    code: str = Field(description="The JavaScript text; the engine runs it in its sandbox before the app's bindings.")
