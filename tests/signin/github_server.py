"""A GitHub for the tests: the parts of GitHub's OAuth web flow and REST API that sign-in uses
(`/login/oauth/authorize`, `/login/oauth/access_token` with PKCE, `/user`, `/user/emails`,
`/user/orgs`), with GitHub's documented shapes, served by uvicorn on a loopback port like
GitHub Enterprise Server would be (API under `/api/v3`)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "Iv1.testclient"
CLIENT_SECRET = "github-test-secret"


@dataclass
class GithubUser:
    id: int = 583231
    login: str = "octocat"
    name: str = "The Octocat"
    emails: list[dict[str, Any]] = field(default_factory=lambda: [
        {"email": "octocat@example.com", "primary": True, "verified": True, "visibility": "public"},
        {"email": "old@example.com", "primary": False, "verified": False, "visibility": None},
    ])
    orgs: list[str] = field(default_factory=lambda: ["acme"])


class TestGithub:
    __test__ = False

    def __init__(self) -> None:
        self.user = GithubUser()
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (PKCE challenge, redirect URI)
        self.tokens: set[str] = set()
        self.url = ""
        config = uvicorn.Config(self._app(), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def _app(self) -> Starlette:
        async def authorize(request: Request) -> Response:
            q = request.query_params
            if q.get("client_id") != CLIENT_ID or q.get("code_challenge_method") != "S256":
                return JSONResponse({"error": "bad request"}, status_code=400)
            code = secrets.token_hex(10)
            self.codes[code] = (q["code_challenge"], q["redirect_uri"])
            return RedirectResponse(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}", status_code=302)

        async def access_token(request: Request) -> Response:
            form = await request.form()
            known = self.codes.pop(str(form.get("code")), None)
            verifier = str(form.get("code_verifier", ""))
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if form.get("client_secret") != CLIENT_SECRET or known is None or known[0] != challenge:
                # GitHub answers 200 with an error body for a bad code.
                return JSONResponse({"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."})
            token = "gho_" + secrets.token_hex(16)
            self.tokens.add(token)
            return JSONResponse({"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"})

        def authorised(request: Request) -> bool:
            return request.headers.get("authorization", "").split(" ", 1)[-1] in self.tokens

        async def user(request: Request) -> Response:
            if not authorised(request):
                return JSONResponse({"message": "Requires authentication"}, status_code=401)
            return JSONResponse({"id": self.user.id, "login": self.user.login, "name": self.user.name})

        async def emails(request: Request) -> Response:
            return JSONResponse(self.user.emails if authorised(request) else {"message": "Requires authentication"},
                                status_code=200 if authorised(request) else 401)

        async def orgs(request: Request) -> Response:
            return JSONResponse([{"login": o, "id": i} for i, o in enumerate(self.user.orgs)])

        return Starlette(routes=[
            Route("/login/oauth/authorize", authorize),
            Route("/login/oauth/access_token", access_token, methods=["POST"]),
            Route("/api/v3/user", user),
            Route("/api/v3/user/emails", emails),
            Route("/api/v3/user/orgs", orgs),
        ])

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test GitHub did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{self.server.servers[0].sockets[0].getsockname()[1]}"
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
