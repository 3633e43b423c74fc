"""Validating a connection or query config against its connector's model, with messages that
never quote the input (it may hold secrets)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from lowcraft.connectors.errors import BadParameters


def _validation_message(what: str, exc: ValidationError) -> str:
    # Only locations and messages: pydantic's own text includes the input values, maybe secrets.
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}" for e in exc.errors()
    )
    return f"The {what} is not valid: {problems}"


def validated(model: type[BaseModel], data: Mapping[str, Any], what: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadParameters(_validation_message(what, exc)) from None
