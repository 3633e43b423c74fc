"""Errors of SCIM provisioning.

SCIM answers errors in its own shape (RFC 7644 section 3.12: `schemas`, `status`, `scimType`,
`detail`), so this domain raises the exceptions of scim2-models, which carry the status and the
`scimType`, and `lowcraft.scim.api` renders every error of a `/scim/v2` route - these, request
bodies the SCIM schema refuses, and any Lowcraft error from the layers below - in that shape.
"""

from scim2_models import (
    InvalidFilterException,
    InvalidValueException,
    MutabilityException,
    NotFoundException,
    SCIMException,
    UnauthorizedException,
    UniquenessException,
)

__all__ = [
    "InvalidFilterException",
    "InvalidValueException",
    "MutabilityException",
    "NotFoundException",
    "SCIMException",
    "UnauthorizedException",
    "UniquenessException",
]
