"""The query config shared by the SQL connectors, and what can be told from the SQL text alone."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel

from lowcraft.connectors.schema import Binds


class SqlQuery(BaseModel):
    """One SQL statement; `{{ }}` bindings become parameters."""

    sql: Annotated[str, Binds("sql")]


_ROW_KEYWORDS = ("select", "with", "values", "table", "show", "explain", "fetch")


def may_return_rows(sql: str) -> bool:
    """Whether a statement can return rows (so it is streamed) rather than only a row count."""
    text = sql.lstrip(" \t\r\n(")
    while text.startswith(("--", "/*")):
        end = text.find("\n") if text.startswith("--") else text.find("*/")
        text = "" if end == -1 else text[end + (1 if text.startswith("--") else 2) :].lstrip(" \t\r\n(")
    first = text.split(None, 1)[0].lower() if text.split() else ""
    if first == "with":
        # A WITH that ends in INSERT/UPDATE/DELETE without RETURNING returns no rows.
        lowered = sql.lower()
        return "returning" in lowered or not any(
            f" {k} " in f" {lowered} " for k in ("insert", "update", "delete")
        )
    return first in _ROW_KEYWORDS or " returning " in f" {sql.lower()} ".replace("\n", " ")
