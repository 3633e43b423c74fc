"""Serving the built web client: hashed assets cached forever, every other path gets index.html."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from lowcraft.http.errors import error_body

PACKAGED = Path(__file__).resolve().parent.parent / "web_dist"
SOURCE_TREE = Path(__file__).resolve().parents[2] / "web" / "dist"

_NOT_BUILT = """<!doctype html><html><head><meta charset="utf-8"><title>Lowcraft</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>Lowcraft is running</h1><p>The web client has not been built. Run <code>make run</code>
(or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>) and reload. The API is at
<a href="/api/docs">/api/docs</a>.</p></body></html>"""


# The IFrame widget's inline HTML (`srcDoc`) is written into this page rather than a srcdoc
# frame: a srcdoc document inherits the app page's Content-Security-Policy, under which its
# scripts could not run. This page has a policy of its own: anything an inline page may load, in
# an opaque origin (CSP `sandbox`, also when opened on its own), so it never reaches the session.
INLINE_HTML_PATH = "/frames/inline-html"
_INLINE_HTML_PAGE = """<!doctype html><html><head><meta charset="utf-8"><script>
addEventListener("message", function (e) {
  if (e.source !== parent || !e.data || typeof e.data.lowcraftInlineHtml !== "string") return;
  document.open(); document.write(e.data.lowcraftInlineHtml); document.close();
});
</script></head><body></body></html>"""
_INLINE_HTML_POLICY = (
    "sandbox allow-scripts allow-forms allow-popups; default-src * data: blob: 'unsafe-inline' 'unsafe-eval'; "
    "frame-ancestors *"
)


def find_dist(configured: Path | None) -> Path | None:
    for candidate in (configured, PACKAGED, SOURCE_TREE):
        if candidate is not None and (candidate / "index.html").is_file():
            return candidate
    return None


class ImmutableStatic(StaticFiles):
    """Vite names assets by content hash, so a cached copy can never be stale."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def mount(app: FastAPI, configured: Path | None) -> None:
    dist = find_dist(configured)
    if dist is not None and (dist / "assets").is_dir():
        app.mount("/assets", ImmutableStatic(directory=dist / "assets"), name="assets")

    @app.get(INLINE_HTML_PATH, include_in_schema=False)
    def inline_html_frame() -> Response:
        return HTMLResponse(_INLINE_HTML_PAGE, headers={"Content-Security-Policy": _INLINE_HTML_POLICY})

    @app.api_route("/api/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def unknown_api(path: str, request: Request) -> Response:
        return JSONResponse(error_body("not_found", f"No API route {request.url.path}."), status_code=404)

    @app.get("/{path:path}", include_in_schema=False)
    def spa(path: str) -> Response:
        if dist is None:
            return HTMLResponse(_NOT_BUILT)
        file = (dist / path).resolve()
        if path and file.is_file() and dist.resolve() in file.parents:
            return FileResponse(file)
        return FileResponse(dist / "index.html", headers={"Cache-Control": "no-cache"})
