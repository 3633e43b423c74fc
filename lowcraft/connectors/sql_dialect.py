"""How a SQL connector's driver takes parameters and how its server reads literals.

The binder (`lowcraft.actions.query_binding`) reads a dialect to turn `{{ }}` bindings into placeholders
and typed parameters (with prepared statements off the binder writes values as text itself, as
Appsmith does).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lowcraft.connectors.errors import BadParameters


def json_containers(value: Any) -> Any:
    """Default parameter adaptation: objects and arrays travel as JSON text, scalars as themselves."""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


def number_text(value: float | Decimal) -> str:
    """A JSON number or boolean as the decimal text a server converts back to that number."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadParameters(f"{value!r} is not a number SQL can hold.")
        return repr(value)
    return str(value)


def numbers_as_text(value: Any) -> Any:
    """Parameter adaptation for servers that compare text with numbers as numbers (MySQL, MariaDB).

    There `name = 0` is true for every name that does not start with a digit, so a viewer who
    sends `0` where the app sends a name would widen the query. Numbers and booleans travel as
    text, which the server turns back into a number wherever the other side is a number
    (`total > '15'`), and which compares as text against text. Objects and arrays are JSON text.
    """
    if isinstance(value, (bool, int, float, Decimal)):
        return number_text(value)
    return json_containers(value)


# eq=False: dialects are singletons compared and hashed by identity, which keeps them cheap as
# keys of the binder's compiled-template cache.
@dataclass(frozen=True, slots=True, eq=False)
class SqlDialect:
    """Placeholder style and literal syntax of one SQL driver/server pair."""

    name: str
    placeholder: str
    """The driver's positional placeholder: `%s` (psycopg, aiomysql) or `?` (sqlite3)."""
    percent_escape: bool
    """Whether literal `%` must be written `%%` when parameters are passed (pyformat drivers)."""
    backslash_escapes: bool = False
    """Whether `\\` escapes inside string literals (MySQL's default), so it must be doubled."""
    identifier_quotes: str = '"'
    """Characters that open a quoted identifier (`"` standard, `` ` `` MySQL)."""
    string_quotes: str = "'"
    """Characters that open a string literal (MySQL also accepts `"`)."""
    adapt: Callable[[Any], Any] = field(default=json_containers)
    """Turns a JSON-ish binding value into what the driver accepts as a typed parameter."""
    dollar_quotes: bool = True
    """Whether `$$ ... $$` and `$tag$ ... $tag$` are string literals (PostgreSQL)."""
    escape_strings: bool = True
    """Whether `E'...'` is a literal in which `\\` escapes (PostgreSQL)."""
    nested_comments: bool = True
    """Whether `/* /* */ */` nests, so a comment ends only at its matching `*/` (PostgreSQL)."""
    max_parameters: int | None = 65535
    """How many parameters one statement may carry (PostgreSQL's protocol limit); None: no limit
    the binder needs to check (the server reports its own clearly, or the driver inlines them)."""
    empty_in_list: str | None = None
    """What an empty `IN (...)` list is written as; None when the server has no empty list and
    `x IN ()` becomes `x = ANY('{}')` (an empty PostgreSQL array, whatever the type of x)."""
    numbers_as_text: bool = False
    """Whether numbers and booleans are sent as text (see `numbers_as_text`), except row counts
    after LIMIT, OFFSET and FETCH FIRST, which the grammar wants as bare whole numbers."""

    def row_count(self, value: Any) -> Any:
        """A LIMIT/OFFSET/FETCH value: where numbers travel as text, a whole number >= 0 or an error."""
        if not self.numbers_as_text:
            return self.adapt(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BadParameters(
                f"LIMIT, OFFSET and FETCH take a whole number of rows (0 or more), not {json.dumps(value, default=str)}."
            )
        return value
