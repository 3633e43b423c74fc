"""argon2id password hashing.

argon2 (a compiled library behind cffi) loads with the first password hashed or checked, not
while the server starts (bench/startup.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lowcraft.identity.errors import WeakPassword

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 8
MAX_LENGTH = 256


class Passwords:
    """Hashes and checks passwords with argon2id; parameters come from the settings."""

    def __init__(self, time_cost: int, memory_kib: int) -> None:
        self._time_cost, self._memory_kib = time_cost, memory_kib
        self._made: PasswordHasher | None = None
        self._dummy: str | None = None

    @property
    def _hasher(self) -> PasswordHasher:
        if self._made is None:
            from argon2 import PasswordHasher

            self._made = PasswordHasher(time_cost=self._time_cost, memory_cost=self._memory_kib, parallelism=1)
        return self._made

    @property
    def dummy(self) -> str:
        """A hash to verify against for unknown emails, so their logins take as long as real ones.

        Made on first use rather than at start: a full-cost hash would delay every server start.
        """
        if self._dummy is None:
            self._dummy = self._hasher.hash("not-a-real-password")
        return self._dummy

    def hash(self, password: str) -> str:
        check_strength(password)
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return self._hasher.verify(stored or self.dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Passwords need at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Passwords may have at most {MAX_LENGTH} characters.")
    if password.strip() == "" or len(set(password)) < 3:
        raise WeakPassword("This password is too easy to guess.")
