"""The rename refactor: rewrite every reference to an entity or a JS object member.

Scope-aware: a local that shadows the name, a property `x.Table1`, strings and comments are left
alone; `{Table1}` becomes `{Table1: Orders}` so the object keeps its key. A rename that a local
variable would capture (`(Orders) => Table1.x` renamed to `Orders`) is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lowcraft.bindings.entities import (
    Entity,
    EntityKind,
    ManifestLookup,
    bound_properties,
    copy_json,
    get_at,
    iter_entities,
    no_manifests,
    set_at,
)
from lowcraft.bindings.errors import (
    AmbiguousNameError,
    InvalidNameError,
    NameTakenError,
    RenameConflictError,
    UnknownEntityError,
)
from lowcraft.bindings.javascript import analyze
from lowcraft.bindings.js_analysis import SourceKind
from lowcraft.bindings.known_names import (
    OBJECT_PROTOTYPE_MEMBERS,
    RESERVED_WORDS,
    is_global_name,
    is_identifier,
)
from lowcraft.bindings.references import pieces


@dataclass(frozen=True, slots=True)
class Target:
    """What is renamed: an entity (`member` None) or a member of a JS object."""

    entity: str
    member: str | None = None

    @classmethod
    def parse(cls, text: str) -> Target:
        """`Table1` or `Utils.fmt`."""
        parts = text.split(".")
        if len(parts) == 1:
            return cls(parts[0])
        if len(parts) == 2:
            return cls(parts[0], parts[1])
        raise InvalidNameError(f"{text!r} names neither an entity nor a JS object member")


@dataclass(frozen=True, slots=True)
class Change:
    """One rewritten value. `entity` is the name the entity had before the rename."""

    entity: str
    path: str
    before: str
    after: str

    def to_dict(self) -> dict[str, str]:
        """The JSON form returned by the refactor API."""
        return {"entity": self.entity, "path": self.path, "before": self.before, "after": self.after}


def new_member_name(old: Target, new: str) -> str:
    """The new member name from `format` or `Utils.format`."""
    prefix = f"{old.entity}."
    if "." in new:
        if not new.startswith(prefix) or new.count(".") != 1:
            raise InvalidNameError(
                f"a member of {old.entity} can only be renamed to {prefix}<name>, not {new!r}"
            )
        return new[len(prefix) :]
    return new


def rename_in_text(
    value: str,
    kind: SourceKind | str,
    old: str,
    new: str,
    *,
    object_name: str | None = None,
) -> str:
    """Rewrite the references to `old` in one property value.

    `old`/`new` are entity names (`Table1` -> `Orders`) or JS object members (`Utils.fmt` ->
    `Utils.format`). `object_name` is the JS object owning `value` when it is a JS object body: a
    member rename then also renames the definition and `this.fmt`.
    Raises RenameConflictError when a local variable would capture the new name.
    """
    kind = SourceKind(kind)
    target = Target.parse(old)
    member_new = new_member_name(target, new) if target.member is not None else None
    if target.member is None and target.entity not in value:
        return value
    if target.member is not None and target.member not in value:
        return value
    edits: list[tuple[int, int, str]] = []
    for piece in pieces(value, kind):
        analysis = piece.analysis
        base = piece.offset
        if target.member is None:
            for use in analysis.uses:
                if use.name != target.entity:
                    continue
                if analysis.is_bound_at(use, new):
                    raise RenameConflictError(
                        f"renaming {old} to {new} would change the meaning of {value[base + use.start : base + use.end]!r}"
                        f" at offset {base + use.start}: a local variable named {new} is in scope there",
                        details={"offset": base + use.start, "name": new},
                    )
                replacement = f"{target.entity}: {new}" if use.shorthand else new
                edits.append((base + use.start, base + use.end, replacement))
        else:
            assert member_new is not None
            own = object_name == target.entity
            for use in analysis.uses:
                if (
                    use.path
                    and use.path[0] == target.member
                    and (use.name == target.entity or (own and use.name == "this"))
                ):
                    start, end = use.key_spans[0]
                    edits.append((base + start, base + end, member_new))
            if own:
                for member in analysis.members:
                    if member.name != target.member:
                        continue
                    if member.key_start == member.value_start and member.key_end == member.value_end:
                        replacement = f"{member_new}: {target.member}"
                    else:
                        replacement = member_new
                    edits.append((base + member.key_start, base + member.key_end, replacement))
    if not edits:
        return value
    pieces_out: list[str] = []
    cursor = 0
    for start, end, replacement in sorted(edits):
        pieces_out.append(value[cursor:start])
        pieces_out.append(replacement)
        cursor = end
    pieces_out.append(value[cursor:])
    return "".join(pieces_out)


def check_new_name(new: str, taken: Mapping[str, object], *, what: str = "an entity") -> None:
    """Raise InvalidNameError or NameTakenError unless `new` can name an entity beside `taken` (the
    names of the entity's page)."""
    if not is_identifier(new):
        raise InvalidNameError(
            f"{new!r} cannot name {what}: use letters, digits, _ and $, not starting with a digit",
            details={"name": new},
        )
    if new in RESERVED_WORDS:
        raise InvalidNameError(f"{new!r} is a reserved word of JavaScript", details={"name": new})
    if new in OBJECT_PROTOTYPE_MEMBERS:
        raise InvalidNameError(f"{new!r} is a name every JavaScript object has already", details={"name": new})
    if is_global_name(new):
        raise InvalidNameError(f"{new!r} is the name of a global that bindings use", details={"name": new})
    if new in taken:
        raise NameTakenError(f"the name {new!r} is already used on this page", details={"name": new})


def page_of(document: Mapping[str, Any], name: str, manifests: ManifestLookup = no_manifests) -> int:
    """The index of the one page that has an entity named `name`.

    Raises UnknownEntityError when no page has it, AmbiguousNameError when several do (names are
    per page: the caller must then say which page it means)."""
    pages = sorted({e.page for e in iter_entities(document, manifests) if e.name == name})
    if not pages:
        raise UnknownEntityError(f"no widget, action or JS object is named {name!r}")
    if len(pages) > 1:
        names = [str(document["pages"][i].get("name", i)) for i in pages]
        raise AmbiguousNameError(
            f"{name!r} is used on {len(pages)} pages ({', '.join(names)}): say which page's {name} to rename",
            details={"name": name, "pages": names},
        )
    return pages[0]


def rename(
    document: Mapping[str, Any],
    old: str,
    new: str,
    manifests: ManifestLookup = no_manifests,
    page: int | None = None,
) -> tuple[dict[str, Any], list[Change]]:
    """Rename an entity or a JS object member of page number `page` of the application document.

    Names are per page: the entity is looked up on that page, the new name must be free on that
    page, and only that page's references follow (another page's entity of the same name, and
    its references, are left alone). `page` may be left out when only one page has the name.

    Returns a new document (the argument is not modified) and the list of changed values, the
    entity's own name first. Raises a BindingError: UnknownEntityError, AmbiguousNameError,
    InvalidNameError, NameTakenError or RenameConflictError; on error nothing is returned, so
    nothing is half-renamed.
    """
    target = Target.parse(old)
    if page is None:
        page = page_of(document, target.entity, manifests)
    entities: dict[str, Entity] = {}
    for entity in iter_entities(document, manifests, page):
        entities.setdefault(entity.name, entity)
    owner = entities.get(target.entity)
    if owner is None:
        raise UnknownEntityError(f"no widget, action or JS object of this page is named {target.entity!r}")
    result: dict[str, Any] = copy_json(document)
    changes: list[Change] = []
    if target.member is None:
        if new == old:
            return result, []
        check_new_name(new, entities)
        changes.append(Change(old, owner.name_key, old, new))
    else:
        if owner.kind is not EntityKind.JSOBJECT:
            raise UnknownEntityError(f"{target.entity} is not a JS object, so it has no member to rename")
        member = new_member_name(target, new)
        if member == target.member:
            return result, []
        body = owner.data.get("body")
        members = (
            {m.name for m in analyze(body, SourceKind.JSOBJECT).members} if isinstance(body, str) else set()
        )
        if target.member not in members:
            raise UnknownEntityError(f"{target.entity} has no member named {target.member!r}")
        if not is_identifier(member):
            raise InvalidNameError(f"{member!r} cannot name a member: use letters, digits, _ and $")
        if member in members:
            raise NameTakenError(f"{target.entity} already has a member named {member!r}")
    for entity in entities.values():
        object_name = entity.name if entity.kind is EntityKind.JSOBJECT else None
        for prop in bound_properties(entity, manifests):
            try:
                after = rename_in_text(prop.value, prop.kind, old, new, object_name=object_name)
            except RenameConflictError as error:
                raise RenameConflictError(
                    f"{entity.name}.{prop.dotted}: {error.message}",
                    details={**error.details, "entity": entity.name, "path": prop.dotted},
                ) from error
            if after != prop.value:
                set_at(result, (*entity.location, *prop.path), after)
                changes.append(Change(entity.name, prop.dotted, prop.value, after))
    if target.member is None:
        get_at(result, owner.location)[owner.name_key] = new
    return result, changes
