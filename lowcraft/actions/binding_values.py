"""The values the client sent for an action's bindings: looked up by source text, checked for
missing and unexpected ones, and written as text where text is needed."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from lowcraft.connectors.errors import MissingBinding, UnknownBinding


class BindingValues:
    """Looks binding values up by source text and remembers which were used."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = params
        self.used: set[str] = set()
        self.missing: list[str] = []

    def get(self, source: str) -> Any:
        for key in (source, source.strip()):
            if key in self.params:
                self.used.add(key)
                return self.params[key]
        if source.strip() not in self.missing:
            self.missing.append(source.strip())
        return None

    def touch(self, source: str) -> None:
        """Accept a value the output does not use (a binding inside an SQL comment)."""
        for key in (source, source.strip()):
            if key in self.params:
                self.used.add(key)

    def check(self) -> None:
        if self.missing:
            listed = ", ".join("{{" + m + "}}" for m in self.missing)
            raise MissingBinding(f"No value was sent for {listed}.")
        extra = [k for k in self.params if k not in self.used]
        if extra:
            listed = ", ".join("{{" + k.strip() + "}}" for k in extra)
            raise UnknownBinding(f"Values were sent for bindings this action does not have: {listed}.")


def value_as_text(value: Any) -> str:
    """A binding value where text is needed: strings as-is, null as empty, the rest as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))  # JS has one number type: 2.0 prints as 2
    return json.dumps(value, separators=(",", ":"))
