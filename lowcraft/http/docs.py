"""The API reference page (`/api/docs`): Swagger UI served by Lowcraft itself.

FastAPI's default page loads Swagger UI from a public CDN; an air-gapped install cannot reach it,
and it would run a third party's script on Lowcraft's origin. The files come from the
`fastapi-swagger` package instead, and the page's one inline script is allowed by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from lowcraft.http.errors import error_body

DOCS_PATH = "/api/docs"
ASSETS_PATH = DOCS_PATH + "/assets"
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def asset_folder() -> Path:
    return Path(str(resources.files("fastapi_swagger") / "resources"))


def docs_page(openapi_url: str, title: str) -> HTMLResponse:
    """The page, with a policy that runs only our copy of Swagger UI and the page's own init script."""
    page = get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_PATH}/favicon-32x32.png",
        oauth2_redirect_url=None,
        # No calls to Swagger's public validator service either.
        swagger_ui_parameters={"validatorUrl": None},
    )
    html = bytes(page.body).decode()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html)
    )
    policy = (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": policy, "X-Frame-Options": "DENY"})


def mount(app: FastAPI, title: str) -> None:
    """Adds `/api/docs` and its assets; call before the web client's catch-all `/api/...` route."""
    openapi_url = app.openapi_url
    assert openapi_url is not None
    folder = asset_folder()

    @app.get(DOCS_PATH, include_in_schema=False)
    def api_docs() -> Response:
        return docs_page(openapi_url, title)

    @app.get(ASSETS_PATH + "/{name}", include_in_schema=False)
    def api_docs_asset(name: str) -> Response:
        if name not in ASSETS:
            return JSONResponse(error_body("not_found", f"No API docs file {name}."), status_code=404)
        return FileResponse(folder / name, headers={"Cache-Control": "public, max-age=86400"})
