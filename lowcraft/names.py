"""Entity names: widgets, queries and JS objects are referred to by name from JavaScript, so each
name must be a valid identifier that shadows nothing the runtime provides."""

from __future__ import annotations

import re

from lowcraft.errors import ValidationFailed

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
MAX_LENGTH = 100

RESERVED_WORDS = frozenset(
    """break case catch class const continue debugger default delete do else enum export extends
    false finally for function if import in instanceof new null return super switch this throw true
    try typeof var void while with yield let static implements interface package private protected
    public await async arguments eval undefined NaN Infinity""".split()
)

# Names the runtime defines; an entity with one of these names would make it unreachable.
GLOBAL_NAMES = frozenset(
    """appsmith Math JSON Date Object Array String Number Boolean Symbol Promise RegExp Error Map Set
    WeakMap WeakSet Proxy Reflect Intl BigInt console globalThis window self document location
    parseInt parseFloat isNaN isFinite encodeURIComponent decodeURIComponent encodeURI decodeURI atob
    btoa setTimeout clearTimeout moment _ lodash fetch this showAlert showModal closeModal navigateTo
    storeValue removeValue clearStore resetWidget download copyToClipboard setInterval clearInterval
    postWindowMessage""".split()
)


class InvalidName(ValidationFailed):
    """A name is not a usable JavaScript identifier for an entity."""

    code = "invalid_name"


def name_problem(name: object) -> str | None:
    """Why `name` cannot name an entity, or None when it can."""
    if not isinstance(name, str) or not name:
        return "A name is required."
    if len(name) > MAX_LENGTH:
        return f"Names may have at most {MAX_LENGTH} characters."
    if not _IDENTIFIER.match(name):
        return f"'{name}' is not a valid name: use letters, digits, _ or $, not starting with a digit."
    if name in RESERVED_WORDS:
        return f"'{name}' is a reserved word in JavaScript."
    if name in GLOBAL_NAMES:
        return f"'{name}' is already used by the runtime."
    return None


def validate_entity_name(name: object) -> str:
    problem = name_problem(name)
    if problem:
        raise InvalidName(problem, details={"name": name if isinstance(name, str) else None})
    assert isinstance(name, str)
    return name
