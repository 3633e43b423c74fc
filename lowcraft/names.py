"""Entity names: widgets, queries and JS objects are referred to by name from JavaScript, so each
name must be a valid identifier that shadows nothing the runtime provides.

The word lists live with the binding analyser (`lowcraft.bindings.names`), which the web engine
mirrors; this module turns them into the platform's validation error.
"""

from __future__ import annotations

from lowcraft.bindings.names import OBJECT_PROTOTYPE_MEMBERS, RESERVED_WORDS, is_global_name, is_identifier
from lowcraft.errors import ValidationFailed

MAX_LENGTH = 100


class InvalidName(ValidationFailed):
    """A name is not a usable JavaScript identifier for an entity."""

    code = "invalid_name"


def name_problem(name: object) -> str | None:
    """Why `name` cannot name an entity, or None when it can."""
    if not isinstance(name, str) or not name:
        return "A name is required."
    if len(name) > MAX_LENGTH:
        return f"Names may have at most {MAX_LENGTH} characters."
    if not is_identifier(name):
        return f"'{name}' is not a valid name: use letters, digits, _ or $, not starting with a digit."
    if name in RESERVED_WORDS:
        return f"'{name}' is a reserved word in JavaScript."
    if name in OBJECT_PROTOTYPE_MEMBERS:
        return f"'{name}' is a name every JavaScript object has already."
    if is_global_name(name):
        return f"'{name}' is already used by the runtime."
    return None


def validate_entity_name(name: object) -> str:
    problem = name_problem(name)
    if problem:
        raise InvalidName(problem, details={"name": name if isinstance(name, str) else None})
    assert isinstance(name, str)
    return name
