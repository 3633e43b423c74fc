"""Password guessing limits (login and password change), in the shared key-value store.

Failures are counted per account *and client address* together, so an attacker who fails five
times locks out only their own address for that account, never its owner elsewhere (the review
found five wrong passwords locked any account for everyone). Two wider counters back it up:

- per address, across accounts: one client spraying many accounts;
- per account, across addresses: distributed guessing from many addresses. Its ceiling is twenty
  times the per-client one, and addresses the account logged in from recently are exempt from it,
  so even an attack large enough to reach it does not lock the owner out of their usual places.
"""

from __future__ import annotations

from lowcraft.accounts.exceptions import LoginThrottled
from lowcraft.cache import KeyValueStore

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_CLIENT = 5  # one account from one address
MAX_FAILURES_PER_ADDRESS = 20  # one address, any accounts
MAX_FAILURES_PER_ACCOUNT = 100  # one account, any addresses
KNOWN_CLIENT_SECONDS = 30 * 24 * 3600  # how long a successful login exempts its address


class LoginThrottle:
    def __init__(self, store: KeyValueStore) -> None:
        self.store = store

    @staticmethod
    def _client_key(email: str, address: str) -> str:
        return f"login-fail:client:{email.lower()}|{address}"

    @staticmethod
    def _known_key(email: str, address: str) -> str:
        return f"login-ok:{email.lower()}|{address}"

    def _keys(self, email: str, address: str, *, known: bool = False) -> list[tuple[str, int]]:
        keys = [
            (self._client_key(email, address), MAX_FAILURES_PER_CLIENT),
            (f"login-fail:addr:{address}", MAX_FAILURES_PER_ADDRESS),
        ]
        if not known:
            keys.append((f"login-fail:acct:{email.lower()}", MAX_FAILURES_PER_ACCOUNT))
        return keys

    def check(self, email: str, address: str) -> None:
        """Refuse before checking the password when a limit is reached."""
        known = self.store.get(self._known_key(email, address)) is not None
        for key, limit in self._keys(email, address, known=known):
            value = self.store.get(key)
            if value is not None and int(value) >= limit:
                wait = self.store.ttl(key) or WINDOW_SECONDS
                raise LoginThrottled(
                    f"Too many wrong passwords. Try again in {wait} seconds.", retry_after=wait
                )

    def failed(self, email: str, address: str) -> None:
        for key, _ in self._keys(email, address):
            self.store.incr(key, WINDOW_SECONDS)

    def succeeded(self, email: str, address: str) -> None:
        # The account-wide count stays: the owner logging in must not give a distributed attacker
        # a fresh allowance.
        self.store.delete(self._client_key(email, address))
        self.store.set(self._known_key(email, address), "1", KNOWN_CLIENT_SECONDS)


MAIL_WINDOW_SECONDS = 60 * 60
MAX_MAILS_PER_ACCOUNT = 3
MAX_MAILS_PER_ADDRESS = 10


class MailThrottle:
    """Limits the emails anonymous requests send (password reset links, signup links), so those
    endpoints cannot be used to flood a mailbox; each purpose counts on its own.

    Over the limit the request is answered as usual but sends nothing: a different answer would
    tell a caller which emails have accounts.
    """

    def __init__(self, store: KeyValueStore, purpose: str) -> None:
        self.store, self.purpose = store, purpose

    def allow(self, email: str, address: str) -> bool:
        per_account = self.store.incr(f"{self.purpose}:acct:{email.lower()}", MAIL_WINDOW_SECONDS)
        per_address = self.store.incr(f"{self.purpose}:addr:{address}", MAIL_WINDOW_SECONDS)
        return per_account <= MAX_MAILS_PER_ACCOUNT and per_address <= MAX_MAILS_PER_ADDRESS
