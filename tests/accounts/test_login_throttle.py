"""Login throttling: too many failures for one account from one address, from one address
across accounts, or for one account from unfamiliar addresses get 429 with Retry-After, and then
even the right password is refused there until the window passes. An attacker never locks the
owner out from the owner's own address.

Each test runs with the counters in memory and in Redis."""

from __future__ import annotations

from typing import Any

from lowcraft.accounts.throttle import (
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_CLIENT,
    WINDOW_SECONDS,
)
from tests.accounts.support import Start, actions, client_at, login, signup, sqlite_only
from tests.conftest import Instance

pytestmark = sqlite_only


def _throttled(response: Any) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "login_throttled"
    assert 0 < int(response.headers["Retry-After"]) <= WINDOW_SECONDS
    assert "lowcraft_session" not in response.cookies


def _instance_with(start: Start, session_settings: dict[str, str], *emails: str) -> Instance:
    instance = start(**session_settings)
    for email in emails:
        assert signup(instance.anonymous(), email).status_code == 201
    return instance


def test_an_account_is_throttled_at_an_address_after_repeated_failures_even_for_the_right_password(
    start: Start, session_settings: dict[str, str]
) -> None:
    instance = _instance_with(start, session_settings, "ada@example.com")
    client = instance.anonymous()
    for _ in range(MAX_FAILURES_PER_CLIENT):
        assert login(client, "ada@example.com", "wrong-password-1").status_code == 401
    events = actions(instance)

    _throttled(login(client, "ada@example.com"))
    _throttled(login(client, "ada@example.com", "wrong-password-1"))
    assert actions(instance) == events, "a refused login records nothing"


def test_an_attacker_failing_at_one_address_does_not_lock_the_owner_out_elsewhere(
    start: Start, session_settings: dict[str, str]
) -> None:
    instance = _instance_with(start, session_settings, "ada@example.com")
    attacker = client_at(instance, "192.0.2.66")
    for _ in range(MAX_FAILURES_PER_CLIENT * 3):
        login(attacker, "ada@example.com", "guess-number-x")
    _throttled(login(attacker, "ada@example.com"))
    assert login(client_at(instance, "203.0.113.9"), "ada@example.com").status_code == 200


def test_distributed_guessing_reaches_the_account_ceiling_but_not_the_owners_usual_address(
    start: Start, session_settings: dict[str, str]
) -> None:
    instance = _instance_with(start, session_settings, "ada@example.com")
    assert login(client_at(instance, "203.0.113.9"), "ada@example.com").status_code == 200  # her office
    for n in range(MAX_FAILURES_PER_ACCOUNT):
        # Each address stays under its own limits; together they reach the account's ceiling.
        assert login(client_at(instance, f"198.51.100.{n}"), "ada@example.com", "guess-number-x").status_code == 401
    _throttled(login(client_at(instance, "198.51.200.1"), "ada@example.com"))
    assert login(client_at(instance, "203.0.113.9"), "ada@example.com").status_code == 200


def test_account_throttling_leaves_other_accounts_alone(start: Start, session_settings: dict[str, str]) -> None:
    instance = _instance_with(start, session_settings, "ada@example.com", "bob@example.com")
    client = instance.anonymous()
    for _ in range(MAX_FAILURES_PER_CLIENT):
        login(client, "ada@example.com", "wrong-password-1")
    _throttled(login(client, "ada@example.com"))
    assert login(client, "bob@example.com").status_code == 200


def test_a_successful_login_clears_the_failures_at_its_address(start: Start, session_settings: dict[str, str]) -> None:
    instance = _instance_with(start, session_settings, "ada@example.com")
    client = instance.anonymous()
    for _ in range(2):
        for _ in range(MAX_FAILURES_PER_CLIENT - 1):
            assert login(client, "ada@example.com", "wrong-password-1").status_code == 401
        assert login(client, "ada@example.com").status_code == 200


def test_an_address_is_throttled_after_many_failures_across_accounts(
    start: Start, session_settings: dict[str, str]
) -> None:
    instance = _instance_with(start, session_settings, "ada@example.com")
    attacker = client_at(instance, "192.0.2.66")
    for n in range(MAX_FAILURES_PER_ADDRESS):
        # Spread over accounts so that no account reaches a limit of its own.
        assert login(attacker, f"user{n}@example.com", "wrong-password-1").status_code == 401

    _throttled(login(attacker, "ada@example.com"))
    colleague = client_at(instance, "192.0.2.67")
    assert login(colleague, "ada@example.com").status_code == 200, "other addresses are not affected"
