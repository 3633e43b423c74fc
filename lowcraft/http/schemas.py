"""Base for request bodies: unknown fields are errors, so typos never pass silently."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from lowcraft.errors import ValidationFailed


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_max_length=100_000, defer_build=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL; refuse it here rather than fail in the store with a 500.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        return value

    def changes(self, *, clearable: tuple[str, ...] = ()) -> dict[str, Any]:
        """What a PATCH body sets, by alias: the fields the client sent, where null is refused
        unless the field is `clearable` (a null name or theme used to reach the service and fail
        there with a 500)."""
        sent = self.model_dump(by_alias=True, exclude_unset=True)
        for name, value in sent.items():
            if value is None and name not in clearable:
                raise ValidationFailed(
                    f"{name} cannot be null; leave it out to keep its value.", details={"field": name}
                )
        return sent
