"""What JSON Lowcraft accepts: the check every request body passes at the edge, and the repair of
stored documents written before it existed.

Python's parser (and FastAPI's, and pydantic's) accepts JSON that no store, driver or response
encoder can take back out. Such a value saved once broke its page for good: every read, view,
export and clone of it answered 500. So a body is refused, before any route sees it, when it holds

- a lone UTF-16 surrogate (`"\\ud800"`), in a key or a value: it is not a character, UTF-8 cannot
  encode it, and PostgreSQL, SQLite and every response encoder refuse it;
- containers nested more than `MAX_DEPTH` levels (the body's own object is level 1): responses
  are encoded by pydantic, which gives up at 255 levels, and the server walks documents
  recursively. No page the widget rules accept comes near it: widgets nest at most 24 deep
  (`lowcraft.pages.dsl.MAX_DEPTH`), each level costing two (the widget and its `children`), and
  the deepest such page, with a table's column settings inside, is 53 levels as a save body and 56
  inside an import body. The deepest of our real fixtures (an orders app) nests 12;
- a number that is not finite: `NaN` and `Infinity` (which are not JSON, but Python reads them) and
  numbers too large for a double (`1e400` reads as infinity). Responses cannot encode them and
  PostgreSQL refuses them;
- an integer outside the signed 64-bit range: no database driver takes one (SQLite raised an
  overflow from inside the connector), and a browser cannot even produce one (JavaScript numbers
  beyond 2**53 are written as floats).

Each refusal is a 422 naming the first offending place (`dsl.children.0.text`).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from lowcraft import errors

MAX_DEPTH = 64
"""Deepest nesting of objects and arrays in a request body, the body itself being level 1."""
MIN_INTEGER, MAX_INTEGER = -(2**63), 2**63 - 1
"""The integers a body may hold: the signed 64-bit range every driver takes."""

_SURROGATE = re.compile("[\ud800-\udfff]")

REASONS = {
    "lone_surrogate": "holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair), which is not a character",
    "too_deep": f"nests objects and arrays more than {MAX_DEPTH} levels deep",
    "non_finite_number": "is not a finite number (NaN, Infinity, or too large for a double, like 1e400)",
    "integer_out_of_range": "is an integer outside the 64-bit range (-2**63 to 2**63-1)",
}


class UnsupportedJson(errors.ValidationFailed):
    """A request body is JSON, but holds a value Lowcraft cannot store or send back (see the module)."""

    code = "invalid_json_value"

    def __init__(self, reason: str, path: list[str | int]) -> None:
        at = ".".join(str(p) for p in path) or "the body"
        super().__init__(f"{at} {REASONS[reason]}.", details={"reason": reason, "at": at})
        self.reason = reason


class _Problem(Exception):
    """Raised from deep in the walk; each level on the way out adds its key to `path` (innermost
    first, reversed once at the top)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.path: list[str | int] = []


def check_body(data: bytes) -> None:
    """Raise `UnsupportedJson` for a request body holding a value Lowcraft refuses; a body that is
    not JSON at all passes, for the route to answer with its usual 400.

    For an action's parameters this costs a few microseconds (bench: the edge takes 6.6 us per
    execute request without it, 12.7 us with it), against a millisecond for the query.
    """
    try:
        loads(data)
    except ValueError:
        pass


def loads(data: bytes | str) -> Any:
    """Parse a request body and check it; raises `UnsupportedJson`, or `ValueError` when it is not JSON."""
    try:
        value = json.loads(data)
    except RecursionError:
        # Python's parser recurses once per level and gives up near 1000: far past MAX_DEPTH.
        raise UnsupportedJson("too_deep", []) from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        if "digits" in str(exc):  # Python refuses integers of more than 4300 digits
            raise UnsupportedJson("integer_out_of_range", []) from None
        raise
    check(value)
    return value


def check(value: Any) -> None:
    """Raise `UnsupportedJson` for the first value in `value` Lowcraft would refuse in a body."""
    try:
        _check(value, 1)
    except _Problem as problem:
        problem.path.reverse()
        raise UnsupportedJson(problem.reason, problem.path) from None


def _check(value: Any, depth: int) -> None:
    kind = type(value)
    if kind is str:
        if not value.isascii() and _SURROGATE.search(value):
            raise _Problem("lone_surrogate")
    elif kind is int:
        if not MIN_INTEGER <= value <= MAX_INTEGER:
            raise _Problem("integer_out_of_range")
    elif kind is float:
        if not math.isfinite(value):
            raise _Problem("non_finite_number")
    elif kind is dict:
        if depth > MAX_DEPTH:
            raise _Problem("too_deep")
        for key, item in value.items():
            if not key.isascii() and _SURROGATE.search(key):
                raise _Problem("lone_surrogate")  # at the object: the key is no text to show
            try:
                _check(item, depth + 1)
            except _Problem as problem:
                problem.path.append(key)
                raise
    elif kind is list:
        if depth > MAX_DEPTH:
            raise _Problem("too_deep")
        for index, item in enumerate(value):
            try:
                _check(item, depth + 1)
            except _Problem as problem:
                problem.path.append(index)
                raise


def repair(value: Any, depth: int = 1) -> Any:
    """`value` made storable and readable again, for documents saved before the check existed.

    Lone surrogates become U+FFFD (the replacement character), numbers that are not finite and
    containers past `MAX_DEPTH` become null. Integers beyond 64 bits are kept: they load and
    encode fine, they only cannot reach a driver. Recursion is bounded by `MAX_DEPTH`.
    """
    kind = type(value)
    if kind is str:
        return _SURROGATE.sub("\ufffd", value) if not value.isascii() else value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        if depth > MAX_DEPTH:
            return None
        return {repair(k, depth): repair(v, depth + 1) for k, v in value.items()}
    if kind is list:
        if depth > MAX_DEPTH:
            return None
        return [repair(v, depth + 1) for v in value]
    return value


def needs_repair(value: Any) -> bool:
    """Whether `repair` would change `value` (integers beyond 64 bits aside)."""
    try:
        check(value)
    except UnsupportedJson as problem:
        return problem.reason != "integer_out_of_range" or repair(value) != value
    return False
