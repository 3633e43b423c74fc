"""A local server speaking the Google Sheets v4 and OAuth token endpoints the Sheets connector uses.

It keeps spreadsheets in memory, checks every token request's JWT signature against the service
account keys it knows, and every API call's bearer token. Spreadsheet `private` answers 403.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _row_of(cell: str) -> int | None:
    digits = "".join(c for c in cell if c.isdigit())
    return int(digits) if digits else None


class SheetsServer:
    def __init__(self) -> None:
        self.spreadsheets: dict[str, dict[str, list[list[Any]]]] = {}
        self.public_keys: dict[str, Any] = {}  # client_email -> public key
        self.tokens: set[str] = set()
        self.app = Starlette(routes=[
            Route("/token", self.token, methods=["POST"]),
            Route("/v4/spreadsheets/{target}", self.spreadsheet, methods=["GET", "POST"]),
            Route("/v4/spreadsheets/{sid}/values/{area:path}", self.values, methods=["GET", "POST", "PUT"]),
        ])

    def trust(self, key_json: str) -> None:
        key = json.loads(key_json)
        private = serialization.load_pem_private_key(key["private_key"].encode(), password=None)
        self.public_keys[key["client_email"]] = private.public_key()

    async def token(self, request: Request) -> Response:
        form = await request.form()
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        try:
            header, claims, signature = str(form["assertion"]).split(".")
            payload = json.loads(_unb64(claims))
            public = self.public_keys[payload["iss"]]
            public.verify(_unb64(signature), f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except (KeyError, ValueError, InvalidSignature):
            return JSONResponse({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, status_code=400)
        if "spreadsheets" not in payload.get("scope", "") or not str(payload.get("aud", "")).endswith("/token"):
            return JSONResponse({"error": "invalid_scope"}, status_code=400)
        token = secrets.token_hex(8)
        self.tokens.add(token)
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def _refused(self, request: Request, sid: str) -> Response | None:
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.tokens:
            return JSONResponse({"error": {"code": 401, "message": "Request had invalid authentication credentials."}}, status_code=401)
        if sid == "private":
            return JSONResponse({"error": {"code": 403, "message": "The caller does not have permission"}}, status_code=403)
        if sid not in self.spreadsheets:
            return JSONResponse({"error": {"code": 404, "message": "Requested entity was not found."}}, status_code=404)
        return None

    def _area(self, sid: str, area: str) -> tuple[list[list[Any]] | None, int | None, int | None]:
        match = re.fullmatch(r"'((?:[^']|'')*)'!([A-Z]*\d*)(?::([A-Z]*\d*))?", area)
        if not match:
            return None, None, None
        sheet = self.spreadsheets[sid].get(match.group(1).replace("''", "'"))
        return sheet, _row_of(match.group(2)), _row_of(match.group(3) or match.group(2))

    async def spreadsheet(self, request: Request) -> Response:
        target = request.path_params["target"]
        sid, _, action = target.partition(":")
        refused = self._refused(request, sid)
        if refused:
            return refused
        sheets = list(self.spreadsheets[sid])
        if request.method == "GET":
            return JSONResponse({"properties": {"title": f"Spreadsheet {sid}"},
                                 "sheets": [{"properties": {"title": t, "sheetId": i}} for i, t in enumerate(sheets)]})
        if action != "batchUpdate":
            return JSONResponse({"error": {"code": 404, "message": "Not found"}}, status_code=404)
        for change in (await request.json())["requests"]:
            span = change["deleteDimension"]["range"]
            rows = self.spreadsheets[sid][sheets[span["sheetId"]]]
            del rows[span["startIndex"]:span["endIndex"]]
        return JSONResponse({"spreadsheetId": sid, "replies": [{}]})

    async def values(self, request: Request) -> Response:
        sid = request.path_params["sid"]
        refused = self._refused(request, sid)
        if refused:
            return refused
        area = request.path_params["area"]
        appending = area.endswith(":append")
        rows, first, last = self._area(sid, area.removesuffix(":append"))
        if rows is None:
            return JSONResponse({"error": {"code": 400, "message": f"Unable to parse range: {area}"}}, status_code=400)
        if request.method == "GET":
            chosen = rows[(first or 1) - 1:last]
            while chosen and not any(c not in ("", None) for c in chosen[-1]):
                chosen.pop()
            return JSONResponse({"range": area, "values": chosen} if chosen else {"range": area})
        values = (await request.json())["values"]
        if appending:
            rows.extend(values)
            return JSONResponse({"updates": {"updatedRange": f"{area.split('!')[0]}!A{len(rows)}:Z{len(rows)}", "updatedRows": 1}})
        assert first is not None
        while len(rows) < first:
            rows.append([])
        rows[first - 1] = values[0]
        return JSONResponse({"updatedRange": area, "updatedRows": 1})
