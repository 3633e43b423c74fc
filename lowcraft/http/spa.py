"""Serving the built web client: hashed assets cached forever, the engine's sandbox document with
its own policy, every other path gets index.html."""

from __future__ import annotations

import re
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


SANDBOX_DOCUMENT = "sandbox/engine.html"

# A host, optionally with a port ([::1]:8080 too): the Host header goes into the policy, so nothing
# else may (a `;` would add directives).
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def sandbox_policy(origin: str, connect_src: str = "'none'") -> str:
    """The Content-Security-Policy of the document that runs user JavaScript (web/src/engine/sandbox.ts).

    `sandbox allow-scripts` gives it an opaque origin however it is opened (framed by anyone, or
    opened directly), so no request from it carries the viewer's cookies. Scripts come only from
    this server's /assets/ (named explicitly: `'self'` is not reliably this origin in an opaque
    document) and the engine's blob worker, which inherits this policy; `'unsafe-eval'` because
    bindings are compiled with `new Function`. `connect-src` is what apps' `fetch()` may reach
    (`LOWCRAFT_SANDBOX_CONNECT_SRC`, default `https:`; docs/security.md says why that is safe);
    everything else is 'none'.
    No frame-ancestors: the viewer embedding it may itself be embedded where its app allows.
    """
    return "; ".join(
        (
            "sandbox allow-scripts",
            "default-src 'none'",
            f"script-src {origin}/assets/ 'unsafe-eval'",
            "worker-src blob:",
            f"connect-src {connect_src}",
            "base-uri 'none'",
            "form-action 'none'",
        )
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
            # The engine's sandbox has an opaque origin, so its module loads of the engine's bundle
            # are cross-origin; these files are public and the same for everyone.
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response


def mount(app: FastAPI, configured: Path | None, sandbox_connect_src: str = "'none'") -> None:
    dist = find_dist(configured)
    if dist is not None and (dist / "assets").is_dir():
        app.mount("/assets", ImmutableStatic(directory=dist / "assets"), name="assets")

    @app.get(INLINE_HTML_PATH, include_in_schema=False)
    def inline_html_frame() -> Response:
        return HTMLResponse(_INLINE_HTML_PAGE, headers={"Content-Security-Policy": _INLINE_HTML_POLICY})

    @app.api_route("/api/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def unknown_api(path: str, request: Request) -> Response:
        return JSONResponse(error_body("not_found", f"No API route {request.url.path}."), status_code=404)

    @app.get(f"/{SANDBOX_DOCUMENT}", include_in_schema=False)
    def sandbox(request: Request) -> Response:
        host = request.headers.get("host", "")
        if not _HOST.fullmatch(host):
            return JSONResponse(error_body("bad_request", "The Host header is not a host name."), status_code=400)
        if dist is None or not (dist / SANDBOX_DOCUMENT).is_file():
            return JSONResponse(
                error_body("not_found", "The web client is built without its engine sandbox; rebuild it (make web)."),
                status_code=404,
            )
        return FileResponse(
            dist / SANDBOX_DOCUMENT,
            headers={
                "Content-Security-Policy": sandbox_policy(f"{request.url.scheme}://{host}", sandbox_connect_src),
                "Cache-Control": "no-cache",
                "Referrer-Policy": "no-referrer",
            },
        )

    @app.get("/{path:path}", include_in_schema=False)
    def spa(path: str) -> Response:
        if dist is None:
            return HTMLResponse(_NOT_BUILT)
        file = (dist / path).resolve()
        if path and file.is_file() and dist.resolve() in file.parents:
            return FileResponse(file)
        return FileResponse(dist / "index.html", headers={"Cache-Control": "no-cache"})
