"""Login throttling per account and per client address, in the shared key-value store."""

from __future__ import annotations

from lowcraft.accounts.exceptions import LoginThrottled
from lowcraft.cache import KeyValueStore

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


class LoginThrottle:
    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    def _keys(self, email: str, address: str) -> list[tuple[str, int]]:
        return [
            (f"login-fail:acct:{email.lower()}", MAX_FAILURES_PER_ACCOUNT),
            (f"login-fail:addr:{address}", MAX_FAILURES_PER_ADDRESS),
        ]

    def check(self, email: str, address: str) -> None:
        """Refuse before checking the password when a limit is reached."""
        for key, limit in self._keys(email, address):
            value = self.store.get(key)
            if value is not None and int(value) >= limit:
                wait = self.store.ttl(key) or WINDOW_SECONDS
                raise LoginThrottled(
                    f"Too many failed logins. Try again in {wait} seconds.", retry_after=wait
                )

    def failed(self, email: str, address: str) -> None:
        for key, _ in self._keys(email, address):
            self.store.incr(key, WINDOW_SECONDS)

    def succeeded(self, email: str) -> None:
        self.store.delete(f"login-fail:acct:{email.lower()}")


RESET_WINDOW_SECONDS = 60 * 60
MAX_RESETS_PER_ACCOUNT = 3
MAX_RESETS_PER_ADDRESS = 10


class ResetThrottle:
    """Limits password-reset emails, so the endpoint cannot be used to flood a mailbox.

    Over the limit the request is answered as usual (202) but sends nothing: a different answer
    would tell a caller which emails have accounts.
    """

    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    def allow(self, email: str, address: str) -> bool:
        per_account = self.store.incr(f"reset:acct:{email.lower()}", RESET_WINDOW_SECONDS)
        per_address = self.store.incr(f"reset:addr:{address}", RESET_WINDOW_SECONDS)
        return per_account <= MAX_RESETS_PER_ACCOUNT and per_address <= MAX_RESETS_PER_ADDRESS
