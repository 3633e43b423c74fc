"""Time-based one-time passwords (RFC 6238, via pyotp), recovery codes and the enrolment QR code.

What a code is and whether one is right, with no store or request: the accounts domain keeps the
secrets (encrypted) and decides when a second factor is asked for.

- Codes are 6 digits for 30-second steps, the defaults every authenticator app uses; a code from
  the step before or after is accepted too (a phone's clock a little off, a code typed as the step
  turned), never one for a step at or before the last one accepted: each code works once.
- Recovery codes are 80 random bits written as four groups of four base32 characters; they are
  stored as SHA-256 hashes, like API tokens (nothing there to brute-force).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

ISSUER = "Lowcraft"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10


def new_secret() -> str:
    """A fresh 160-bit secret in base32, as authenticator apps take it."""
    import pyotp  # loaded with the first second-factor use, not at start-up
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    """The `otpauth://` URI an authenticator app reads from the QR code."""
    import pyotp
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The URI as an SVG QR code (made here, so the secret never leaves for a QR service)."""
    import segno
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#111", light="#fff"))


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def accepted_step(secret: str, code: str, last_step: int, now: float | None = None) -> int | None:
    """The step `code` is right for (now, or one step either side) and later than `last_step`;
    None when it is wrong or already used."""
    import pyotp
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    step = current_step(now)
    found = None
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        # Every candidate is compared (no early exit), in constant time.
        if hmac.compare_digest(totp.generate_otp(candidate), code) and candidate > last_step:
            found = candidate
    return found


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    codes = []
    for _ in range(count):
        raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return codes


def normalise_recovery_code(code: str) -> str:
    """What people type back: any case, with or without the dashes and spaces."""
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_code_hash(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()
