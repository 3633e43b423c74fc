"""Response models of the instance settings routes."""

from __future__ import annotations

from pydantic import Field

from lowcraft.http.openapi import Out


class InstanceSettings(Out):
    """Settings of the whole instance."""

    js_library_urls: list[str] = Field(
        alias="jsLibraryUrls", description="URL prefixes administrators allowed for JS libraries (saved in the store)."
    )
    js_library_urls_from_environment: list[str] = Field(
        alias="jsLibraryUrlsFromEnvironment",
        description="URL prefixes allowed by LOWCRAFT_JS_LIBRARY_URLS; change them in the environment.",
    )
    js_library_max_bytes: int = Field(alias="jsLibraryMaxBytes", description="Largest library the server fetches.")
