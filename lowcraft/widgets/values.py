"""Checking a value against a declared widget value type.

Used for property defaults when manifests load, and by server validation for binding results: a
bindable property's evaluated value must fit the property's declared type.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from lowcraft.widgets.manifest import TypeHint

ValueType = Literal[
    "string", "number", "boolean", "color", "enum", "array", "object", "any", "date", "icon", "html", "url"
]

_COLOR = re.compile(r"#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|(rgba?|hsla?)\([^()]*\)|[a-zA-Z]+")
_ICON = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
# Schemes a browser would execute rather than load; never a valid value for a URL property.
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")


def is_binding(value: Any) -> bool:
    """True for a string holding a `{{ }}` binding, whose type is only known once it is evaluated."""
    return isinstance(value, str) and "{{" in value and "}}" in value


def value_problems(value: Any, hint: TypeHint, path: str = "value") -> list[str]:
    """Every way `value` fails to fit `hint`, each naming the offending path; empty when it fits.

    `None` fits every type: it is how an unset value or a binding evaluating to null/undefined
    arrives, and a widget treats it as "not given".
    """
    if value is None or hint.type == "any":
        return []
    if hint.per_row and isinstance(value, list) and hint.type != "array":
        return [problem for i, item in enumerate(value) for problem in value_problems(item, hint, f"{path}[{i}]")]
    check = _CHECKS[hint.type]
    return check(value, hint, path)


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _string(value: Any, hint: TypeHint, path: str) -> list[str]:
    return [] if isinstance(value, str) else [f"{path}: expected a string, got {_describe(value)}"]


def _number(value: Any, hint: TypeHint, path: str) -> list[str]:
    # bool is an int subclass in Python but never a number to a JavaScript user.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return [f"{path}: expected a finite number, got {_describe(value)}"]
    return []


def _boolean(value: Any, hint: TypeHint, path: str) -> list[str]:
    return [] if isinstance(value, bool) else [f"{path}: expected true or false, got {_describe(value)}"]


def _color(value: Any, hint: TypeHint, path: str) -> list[str]:
    if isinstance(value, str) and (value == "" or _COLOR.fullmatch(value)):
        return []
    return [f"{path}: expected a CSS colour (#rrggbb, rgb(...), a colour name), got {_describe(value)}"]


def _enum(value: Any, hint: TypeHint, path: str) -> list[str]:
    options = hint.options or []
    if value in options and type(value) in {type(option) for option in options}:
        return []
    return [f"{path}: expected one of {options}, got {_describe(value)}"]


def _array(value: Any, hint: TypeHint, path: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{path}: expected an array, got {_describe(value)}"]
    if hint.items is None:
        return []
    problems: list[str] = []
    for index, item in enumerate(value):
        problems += value_problems(item, hint.items, f"{path}[{index}]")
    return problems


def _object(value: Any, hint: TypeHint, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected an object, got {_describe(value)}"]
    problems: list[str] = []
    # Shape fields are optional: a widget fills in what is missing, and users add keys of their own.
    for field, field_hint in (hint.shape or {}).items():
        if field in value:
            problems += value_problems(value[field], field_hint, f"{path}.{field}")
    if hint.values is not None:
        for key, item in value.items():
            problems += value_problems(item, hint.values, f"{path}.{key}")
    return problems


def _date(value: Any, hint: TypeHint, path: str) -> list[str]:
    if isinstance(value, str):
        if value == "":
            return []
        try:
            datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return []
    return [f"{path}: expected an ISO 8601 date string, got {_describe(value)}"]


def _icon(value: Any, hint: TypeHint, path: str) -> list[str]:
    if isinstance(value, str) and (value == "" or _ICON.fullmatch(value)):
        return []
    return [f"{path}: expected an icon name such as 'arrow-right', got {_describe(value)}"]


def _url(value: Any, hint: TypeHint, path: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{path}: expected a URL string, got {_describe(value)}"]
    if value.strip().lower().startswith(_SCRIPT_SCHEMES):
        return [f"{path}: script URLs are not allowed"]
    return []


_CHECKS = {
    "string": _string,
    "html": _string,
    "number": _number,
    "boolean": _boolean,
    "color": _color,
    "enum": _enum,
    "array": _array,
    "object": _object,
    "date": _date,
    "icon": _icon,
    "url": _url,
}
