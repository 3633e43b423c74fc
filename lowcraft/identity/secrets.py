"""Random tokens (session cookies, API tokens, reset links) and how they are stored: hashed."""

from __future__ import annotations

import hashlib
import secrets

API_TOKEN_PREFIX = "lct_"


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """SHA-256 is enough here: tokens are 256 random bits, nothing to brute-force."""
    return hashlib.sha256(token.encode()).hexdigest()
