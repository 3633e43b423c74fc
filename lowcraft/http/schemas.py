"""Base for request bodies: unknown fields are errors, so typos never pass silently."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_max_length=100_000)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL; refuse it here rather than fail in the store with a 500.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        return value
