"""Google Sheets: rows as objects keyed by the header row; append, update and delete rows.

Signs in as a service account (the JSON key Google gives): an RS256-signed JWT is exchanged for
an access token at the key's `token_uri` (OAuth 2.0 JWT bearer grant), kept until shortly before it
expires. Every request (token and Sheets API) goes through httpx and the network guard, like REST.
Share the spreadsheet with the service account's email to give it access.

Rows come back as objects with the header row's cells as keys and `rowIndex`, the row's number in
the sheet (2 is the first row under the header), which update and delete take.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal
from urllib.parse import quote

import anyio
import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pydantic import BaseModel, Field

from lowcraft.connectors.base import (
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    Limits,
    Structure,
    Table,
    TestResult,
    url_host,
)
from lowcraft.connectors.errors import AuthFailed, BadParameters, ConnectorError, QueryFailed
from lowcraft.connectors.http_common import HttpConnectionConfig, client_for, map_http_errors, send
from lowcraft.connectors.schema import Binds, Secret

SCOPE = "https://www.googleapis.com/auth/spreadsheets"
_TOKEN_MARGIN_SECONDS = 120
_LAST_COLUMN = "ZZZ"


class SheetsConfig(BaseModel):
    """A service account's JSON key, and the API's address (Google's unless testing)."""

    service_account_key: Annotated[str, Secret()] = Field(default="", description="The JSON key file's contents")
    default_spreadsheet_id: str = ""
    api_base_url: str = "https://sheets.googleapis.com"


class SheetsQuery(BaseModel):
    """One operation on a sheet (a tab) of a spreadsheet."""

    operation: Literal["read", "append", "update", "delete"] = "read"
    spreadsheet_id: Annotated[str, Binds("text")] = Field(default="", description="Empty: the datasource's default")
    sheet: Annotated[str, Binds("text")] = "Sheet1"
    row: Annotated[str, Binds("json")] = Field(default="", description='append/update: {"Name": {{Input1.text}}}')
    row_index: Annotated[Any, Binds("value")] = Field(default="", description="update/delete: the row's number (2 = first data row)")
    limit: int = Field(default=1000, ge=1, le=100_000)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _column(n: int) -> str:
    """1 -> A, 27 -> AA."""
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _quoted_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


class ServiceAccount:
    """A Google service account from its JSON key, and the access tokens it gets for `scope`."""

    def __init__(self, text: str, scope: str = SCOPE) -> None:
        self.scope = scope
        try:
            key = json.loads(text)
        except json.JSONDecodeError:
            raise BadParameters("The service account key is not JSON: paste the whole key file.") from None
        if not isinstance(key, dict) or not all(isinstance(key.get(k), str) for k in ("client_email", "private_key", "token_uri")):
            raise BadParameters("The service account key needs client_email, private_key and token_uri.")
        self.email: str = key["client_email"]
        self.token_uri: str = key["token_uri"]
        try:
            private = serialization.load_pem_private_key(key["private_key"].encode(), password=None)
        except (ValueError, TypeError):
            raise BadParameters("The service account key's private_key is not a PEM private key.") from None
        if not isinstance(private, rsa.RSAPrivateKey):
            raise BadParameters("The service account key's private_key is not an RSA key.")
        self.private = private

    def assertion(self) -> str:
        now = int(time.time())
        header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
        claims = _b64(json.dumps(
            {"iss": self.email, "scope": self.scope, "aud": self.token_uri, "iat": now, "exp": now + 3600}
        ).encode())
        signature = self.private.sign(f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{header}.{claims}.{_b64(signature)}"

    async def token(self, client: httpx.AsyncClient, limits: Limits) -> str:
        """An access token (OAuth 2.0 JWT bearer grant at the key's token_uri), cached until near expiry."""
        key = self
        cache = hashlib.sha256(
            f"{key.token_uri}\n{key.email}\n{key.scope}\n{key.private.public_key().public_numbers().n}".encode()
        ).hexdigest()
        cached = _tokens.get(cache)
        if cached and cached[1] > time.time() + _TOKEN_MARGIN_SECONDS:
            return cached[0]
        request = client.build_request("POST", key.token_uri, data={
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": key.assertion(),
        })
        reply = await send(client, request, limits.max_response_bytes)
        body = reply.body if isinstance(reply.body, dict) else {}
        if reply.status_code >= 400 or not isinstance(body.get("access_token"), str):
            words = body.get("error_description") or body.get("error") or f"HTTP {reply.status_code}"
            raise AuthFailed(f"Google refused the service account: {words}")
        _tokens[cache] = (body["access_token"], time.time() + float(body.get("expires_in", 3600)))
        return str(body["access_token"])


_tokens: dict[str, tuple[str, float]] = {}


def sample_key(token_uri: str) -> str:
    """A service account key for the generic tests (a throwaway RSA key made on first use)."""
    global _sample_pem
    if _sample_pem is None:
        private = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        _sample_pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
    return json.dumps({"type": "service_account", "client_email": "samples@lowcraft.iam.gserviceaccount.com",
                       "private_key": _sample_pem, "token_uri": token_uri})


_sample_pem: str | None = None


def _sample(base_url: str, **extra: Any) -> dict[str, Any]:
    return {"api_base_url": base_url, "default_spreadsheet_id": "samples",
            "service_account_key": sample_key(base_url + "/token"), **extra}


class SheetsConnector(Connector[SheetsConfig, SheetsQuery]):
    """Reads and writes rows of Google Sheets as a service account."""

    type_name = "sheets"
    display_name = "Google Sheets"
    connection_schema = SheetsConfig
    query_schema = SheetsQuery
    samples = ConnectorSamples(
        connection=_sample("http://127.0.0.1:1"),
        unreachable=_sample("http://127.0.0.1:9"),
        query={"operation": "read", "sheet": "{{Select1.value}}"},
        params={"Select1.value": "Sheet1"},
        at=lambda host, port: _sample(f"http://{url_host(host)}:{port}"),
    )

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        with map_http_errors():
            yield

    async def _api(
        self, conn: Connection[SheetsConfig], method: str, path: str, limits: Limits, *,
        params: dict[str, str] | None = None, payload: Any = None,
    ) -> Any:
        config = conn.config
        key = ServiceAccount(config.service_account_key)
        if not config.api_base_url.startswith(("http://", "https://")):
            raise BadParameters("The API base URL must start with http:// or https://.")
        with map_http_errors(limits), anyio.fail_after(limits.timeout_seconds):
            client = client_for(conn.policy, HttpConnectionConfig(follow_redirects=False))
            token = await key.token(client, limits)
            request = client.build_request(
                method, config.api_base_url.rstrip("/") + path, params=params, json=payload,
                headers={"Authorization": f"Bearer {token}"},
            )
            reply = await send(client, request, limits.max_response_bytes)
        if reply.status_code >= 400:
            error = reply.body.get("error") if isinstance(reply.body, dict) else None
            words = error.get("message") if isinstance(error, dict) else str(reply.body)[:300]
            error_class = AuthFailed if reply.status_code in (401, 403) else QueryFailed
            hint = (f"Share the spreadsheet with {key.email}." if reply.status_code == 403 else None)
            raise error_class(f"Google Sheets answered HTTP {reply.status_code}: {words}", hint,
                              details={"statusCode": reply.status_code, "body": reply.body})
        return reply.body

    def _spreadsheet(self, conn: Connection[SheetsConfig], query: SheetsQuery) -> str:
        spreadsheet = query.spreadsheet_id.strip() or conn.config.default_spreadsheet_id
        if not spreadsheet:
            raise BadParameters("No spreadsheet was given.", "Set the query's spreadsheet ID or the datasource's default.")
        return "/v4/spreadsheets/" + quote(spreadsheet, safe="")

    async def test(self, conn: Connection[SheetsConfig]) -> TestResult:
        try:
            with self.map_errors():
                key = ServiceAccount(conn.config.service_account_key)
                if conn.config.default_spreadsheet_id:
                    meta = await self._api(conn, "GET", self._spreadsheet(conn, SheetsQuery()), Limits(timeout_seconds=15),
                                           params={"fields": "properties.title"})
                    title = meta.get("properties", {}).get("title", "") if isinstance(meta, dict) else ""
                    return TestResult(True, f"Signed in as {key.email}; the spreadsheet {title!r} is readable.")
                with anyio.fail_after(15):
                    client = client_for(conn.policy, HttpConnectionConfig(follow_redirects=False))
                    await key.token(client, Limits(timeout_seconds=15))
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        return TestResult(True, f"Signed in as {key.email}.")

    async def structure(self, conn: Connection[SheetsConfig]) -> Structure:
        if not conn.config.default_spreadsheet_id:
            return Structure(tables=[])
        with self.map_errors():
            meta = await self._api(conn, "GET", self._spreadsheet(conn, SheetsQuery()), Limits(timeout_seconds=15),
                                   params={"fields": "sheets.properties"})
        sheets = meta.get("sheets", []) if isinstance(meta, dict) else []
        return Structure(tables=[Table(name=s["properties"]["title"], columns=[], kind="sheet") for s in sheets])

    async def _header(self, conn: Connection[SheetsConfig], base: str, sheet: str, limits: Limits) -> list[str]:
        got = await self._api(conn, "GET", f"{base}/values/{quote(_quoted_sheet(sheet) + '!1:1', safe='')}", limits)
        rows = got.get("values", []) if isinstance(got, dict) else []
        header = [str(c) for c in rows[0]] if rows else []
        if not header:
            raise QueryFailed(f"The sheet {sheet!r} has no header row.", "Write the column names in its first row.")
        return header

    @staticmethod
    def _row_object(text: str) -> dict[str, Any]:
        try:
            row = json.loads(text) if text.strip() else None
        except json.JSONDecodeError as exc:
            raise BadParameters(f"The row is not valid JSON: {exc.msg}.") from None
        if not isinstance(row, dict) or not row:
            raise BadParameters("The row must be a JSON object of column names and values.")
        return row

    @staticmethod
    def _row_index(value: Any) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 2:
            raise BadParameters(f"The row index must be a row number from 2 (the first row under the header), not {value!r}.")
        return int(value)

    async def execute(
        self, conn: Connection[SheetsConfig], query: SheetsQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        base = self._spreadsheet(conn, query)
        sheet = query.sheet or "Sheet1"
        request: dict[str, Any] = {"operation": query.operation, "spreadsheet": base.rsplit("/", 1)[-1], "sheet": sheet}
        with self.map_errors():
            body = await getattr(self, f"_{query.operation}")(conn, base, sheet, query, limits, request)
        return ExecutionResult(body=body, request=request, row_count=len(body) if isinstance(body, list) else None)

    async def _read(self, conn: Connection[SheetsConfig], base: str, sheet: str, query: SheetsQuery, limits: Limits,
                    request: dict[str, Any]) -> list[dict[str, Any]]:
        area = f"{_quoted_sheet(sheet)}!A1:{_LAST_COLUMN}{query.limit + 1}"
        got = await self._api(conn, "GET", f"{base}/values/{quote(area, safe='')}", limits,
                              params={"valueRenderOption": "UNFORMATTED_VALUE"})
        rows = got.get("values", []) if isinstance(got, dict) else []
        if not rows:
            return []
        header = [str(c) for c in rows[0]]
        out: list[dict[str, Any]] = []
        for number, row in enumerate(rows[1:], start=2):
            if not any(c not in ("", None) for c in row):
                continue
            record = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header) if name}
            out.append({**record, "rowIndex": number})
        return out

    async def _append(self, conn: Connection[SheetsConfig], base: str, sheet: str, query: SheetsQuery, limits: Limits,
                      request: dict[str, Any]) -> dict[str, Any]:
        row = self._row_object(query.row)
        header = await self._header(conn, base, sheet, limits)
        unknown = [k for k in row if k not in header]
        if unknown:
            raise BadParameters(f"The sheet has no column named {', '.join(map(repr, unknown))}.",
                                f"Its columns are: {', '.join(header)}.")
        values = [[_cell(row.get(name, "")) for name in header]]
        request["row"] = row
        got = await self._api(conn, "POST", f"{base}/values/{quote(_quoted_sheet(sheet) + '!A1', safe='')}:append", limits,
                              params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, payload={"values": values})
        updated = (got or {}).get("updates", {}).get("updatedRange", "") if isinstance(got, dict) else ""
        index = int("".join(ch for ch in updated.rsplit("!", 1)[-1].split(":")[0] if ch.isdigit()) or 0) or None
        return {"appended": True, "rowIndex": index}

    async def _update(self, conn: Connection[SheetsConfig], base: str, sheet: str, query: SheetsQuery, limits: Limits,
                      request: dict[str, Any]) -> dict[str, Any]:
        row = self._row_object(query.row)
        number = self._row_index(query.row_index)
        header = await self._header(conn, base, sheet, limits)
        unknown = [k for k in row if k not in header and k != "rowIndex"]
        if unknown:
            raise BadParameters(f"The sheet has no column named {', '.join(map(repr, unknown))}.")
        area = f"{_quoted_sheet(sheet)}!A{number}:{_column(len(header))}{number}"
        current = await self._api(conn, "GET", f"{base}/values/{quote(area, safe='')}", limits,
                                  params={"valueRenderOption": "UNFORMATTED_VALUE"})
        cells = (current.get("values") or [[]])[0] if isinstance(current, dict) else []
        merged = [_cell(row[name]) if name in row else (cells[i] if i < len(cells) else "") for i, name in enumerate(header)]
        request.update(row=row, rowIndex=number)
        await self._api(conn, "PUT", f"{base}/values/{quote(area, safe='')}", limits,
                        params={"valueInputOption": "RAW"}, payload={"values": [merged]})
        return {"updated": True, "rowIndex": number}

    async def _delete(self, conn: Connection[SheetsConfig], base: str, sheet: str, query: SheetsQuery, limits: Limits,
                      request: dict[str, Any]) -> dict[str, Any]:
        number = self._row_index(query.row_index)
        meta = await self._api(conn, "GET", base, limits, params={"fields": "sheets.properties"})
        ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in (meta or {}).get("sheets", [])}
        if sheet not in ids:
            raise QueryFailed(f"The spreadsheet has no sheet named {sheet!r}.", f"Its sheets: {', '.join(ids)}.")
        request["rowIndex"] = number
        await self._api(conn, "POST", f"{base}:batchUpdate", limits, payload={"requests": [{"deleteDimension": {
            "range": {"sheetId": ids[sheet], "dimension": "ROWS", "startIndex": number - 1, "endIndex": number}}}]})
        return {"deleted": True, "rowIndex": number}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value
