"""Small real servers the connector tests talk to: an HTTP API on 127.0.0.1 in a thread."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

OAUTH_CLIENT = ("reports-app", "s3cr3t-client")
OAUTH_TOKEN = "issued-token-123"
PAGE_COUNT = 3


async def echo(request: Request) -> Response:
    body = (await request.body()).decode(errors="replace")
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "rawQuery": request.url.query,
            "query": [[k, v] for k, v in request.query_params.multi_items()],
            "headers": {k: v for k, v in request.headers.items()},
            "body": body,
        }
    )


async def slow(request: Request) -> Response:
    await asyncio.sleep(float(request.query_params.get("seconds", "5")))
    return PlainTextResponse("finally")


async def big(request: Request) -> Response:
    return PlainTextResponse("x" * int(request.query_params.get("bytes", "1000")))


async def big_chunked(request: Request) -> Response:
    async def chunks() -> Any:
        for _ in range(int(request.query_params.get("chunks", "100"))):
            yield b"y" * 65536

    return StreamingResponse(chunks(), media_type="text/plain")


async def redirect(request: Request) -> Response:
    return RedirectResponse(request.query_params["to"], status_code=302)


async def status(request: Request) -> Response:
    code = int(request.path_params["code"])
    return JSONResponse({"message": f"status {code} as asked"}, status_code=code)


async def oauth_token(request: Request) -> Response:
    expected = "Basic " + base64.b64encode(":".join(OAUTH_CLIENT).encode()).decode()
    form = await request.form()
    if request.headers.get("authorization") != expected or form.get("grant_type") != "client_credentials":
        return JSONResponse({"error": "invalid_client"}, status_code=401)
    return JSONResponse({"access_token": OAUTH_TOKEN, "token_type": "bearer", "expires_in": 3600})


async def protected(request: Request) -> Response:
    if request.headers.get("authorization") != f"Bearer {OAUTH_TOKEN}":
        return JSONResponse({"message": "bad token"}, status_code=401)
    return JSONResponse({"secret": "data"})


async def pages(request: Request) -> Response:
    page = int(request.query_params.get("page", "1"))
    items = [f"p{page}-{i}" for i in range(2)] if page <= PAGE_COUNT else []
    return JSONResponse({"items": items, "page": page})


async def next_links(request: Request) -> Response:
    after = int(request.query_params.get("after", "0"))
    nxt = f"/next?after={after + 1}" if after + 1 < PAGE_COUNT else None
    return JSONResponse({"results": [after], "links": {"next": nxt}})


async def cursor(request: Request) -> Response:
    position = int(request.query_params.get("cursor", "0"))
    more = position + 1 < PAGE_COUNT
    return JSONResponse({"data": [{"n": position}], "meta": {"cursor": str(position + 1) if more else None}})


async def graphql(request: Request) -> Response:
    payload = await request.json()
    query = payload.get("query", "")
    if "boom" in query:
        return JSONResponse(
            {"data": None, "errors": [{"message": "Cannot query field 'boom' on type 'Query'."}]}
        )
    if "__typename" in query:
        return JSONResponse({"data": {"__typename": "Query"}})
    name = payload.get("variables", {}).get("name")
    return JSONResponse({"data": {"hello": f"Hello {name}", "auth": request.headers.get("authorization")}})


LLM_KEY = "sk-test"


def _llm_refusal(request: Request) -> Response | None:
    if request.headers.get("authorization") != f"Bearer {LLM_KEY}":
        return JSONResponse({"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error"}},
                            status_code=401)
    return None


async def llm_models(request: Request) -> Response:
    return _llm_refusal(request) or JSONResponse({"object": "list", "data": [{"id": "test-model", "object": "model"}]})


async def llm_chat(request: Request) -> Response:
    """An OpenAI-compatible chat completion that answers from what it was sent, deterministically.

    Text: `<system> | <user>`. JSON schema: an object with each string property of the schema set
    to the user prompt. A user prompt containing "NOT JSON" gets prose where JSON was asked for.
    """
    refused = _llm_refusal(request)
    if refused:
        return refused
    payload = await request.json()
    if payload.get("model") == "missing-model":
        return JSONResponse({"error": {"message": "The model `missing-model` does not exist."}}, status_code=404)
    messages = payload["messages"]
    user = messages[-1]["content"]
    system = next((m["content"] for m in messages if m["role"] == "system"), "")
    fmt = payload.get("response_format") or {"type": "text"}
    if "NOT JSON" in user:
        content = "Sure! Here is your answer."
    elif fmt["type"] == "json_schema":
        properties = fmt["json_schema"]["schema"].get("properties", {})
        content = json.dumps({name: user for name, p in properties.items() if p.get("type") == "string"})
    elif fmt["type"] == "json_object":
        content = json.dumps({"echo": user})
    else:
        content = f"{system} | {user}"
    return JSONResponse({
        "id": "chatcmpl-1", "object": "chat.completion", "model": payload["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": len(user.split()), "completion_tokens": len(content.split()),
                  "total_tokens": len(user.split()) + len(content.split())},
        "echo": {"temperature": payload.get("temperature"), "max_tokens": payload.get("max_tokens")},
    })


app = Starlette(
    routes=[
        Route("/echo", echo, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        Route("/echo/{rest:path}", echo, methods=["GET", "POST"]),
        Route("/slow", slow),
        Route("/big", big),
        Route("/big-chunked", big_chunked),
        Route("/redirect", redirect),
        Route("/status/{code}", status),
        Route("/oauth/token", oauth_token, methods=["POST"]),
        Route("/protected", protected),
        Route("/pages", pages),
        Route("/next", next_links),
        Route("/cursor", cursor),
        Route("/graphql", graphql, methods=["POST"]),
        Route("/v1/models", llm_models),
        Route("/v1/chat/completions", llm_chat, methods=["POST"]),
    ]
)


class ThreadedHttpServer:
    """uvicorn serving `asgi` (this module's `app` by default) on 127.0.0.1 on a free port, in a daemon thread."""

    def __init__(self, asgi: Any = None) -> None:
        config = uvicorn.Config(asgi or app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test HTTP server did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
