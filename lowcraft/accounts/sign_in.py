"""The one door from a proved first factor to a login session, with the second factor in between.

Every way of proving who one is - a password, a single sign-on provider, a password reset link, a
signup link - ends in `after_first_factor`, which makes the session only when no second factor is
due. Otherwise it answers a *pending sign-in*: a random token (a cookie of its own, scoped to the
sign-in routes) naming the user in the key-value store for ten minutes. It is no session: nothing
but submitting a code (`submit_second_factor`) or, for a user who must have a second factor and
has none, setting one up (`begin_pending_enrolment`, `confirm_pending_enrolment`) accepts it.

Codes are throttled like passwords (the same counters, per account and address), and one pending
sign-in takes at most five wrong codes before it ends and the password is asked for again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import delete

from lowcraft.accounts import two_factor
from lowcraft.accounts.errors import InvalidTwoFactorCode, SignInExpired
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.errors import ValidationFailed
from lowcraft.identity.models import SamlSession, User
from lowcraft.identity.secrets import new_token, token_hash
from lowcraft.store.types import utcnow

PENDING_SECONDS = 600
MAX_CODES_PER_SIGN_IN = 5

Next = Literal["signed_in", "two_factor", "two_factor_enrolment"]


@dataclass(frozen=True)
class SignIn:
    """Where a sign-in stands: signed in (`session` is the cookie's token), or waiting for a second
    factor (`pending` is the pending sign-in's token, and `next` says which step)."""

    user: User
    next: Next
    session: str | None = None
    pending: str | None = None


def _key(token: str) -> str:
    return f"sign-in-pending:{token_hash(token)}"


def start_session(
    ctx: Context, user: User, method: str, second_factor: str | None = None, origin: dict[str, str] | None = None
) -> SignIn:
    """The session itself, for a user who has passed every factor due. Trusts its caller.

    `origin` names the session at a SAML IdP (`provider_id`, `name_id`, `session_index`): it is
    kept next to the session, for single logout."""
    ctx.user = user
    session = ctx.runtime.sessions.create(ctx.db, user.id, ctx.client_address, ctx.user_agent)
    if origin:
        # Rows of sessions past their absolute limit are of no use to a logout: dropped here.
        oldest = utcnow() - timedelta(hours=ctx.runtime.settings.session_max_hours)
        ctx.db.execute(delete(SamlSession).where(SamlSession.created_at < oldest))
        name_id = origin["name_id"]
        ctx.db.add(SamlSession(
            id=token_hash(session), user_id=user.id, provider_id=origin["provider_id"], name_id=name_id,
            name_id_key=name_id_key(origin.get("name_id_text", "")), session_index=origin.get("session_index", ""),
        ))
    summary = {"method": method} | ({"second_factor": second_factor} if second_factor else {})
    record(ctx, "user.logged_in", "user", user.id, user.email, summary=summary)
    return SignIn(user=user, next="signed_in", session=session)


def name_id_key(text: str) -> str:
    """How a SAML NameID is looked up: the SHA-256 of its text."""
    return hashlib.sha256(text.encode()).hexdigest()


def after_first_factor(ctx: Context, user: User, method: str, origin: dict[str, str] | None = None) -> SignIn:
    """A user proved the first factor by `method` ("password", "provider:<slug>", "password_reset",
    "signup"): a session, or a pending sign-in when a second factor is due. `origin` (a SAML
    sign-in's session at the IdP) goes with the session, whenever it starts."""
    if two_factor.is_enabled(ctx, user):
        step: Next = "two_factor"
    elif two_factor.required_for(ctx, user):
        step = "two_factor_enrolment"
    else:
        return start_session(ctx, user, method, origin=origin)
    token = new_token()
    state = {"user_id": user.id, "method": method, "next": step, "attempts": 0, "origin": origin}
    ctx.runtime.cache.set(_key(token), json.dumps(state), PENDING_SECONDS)
    return SignIn(user=user, next=step, pending=token)


def _pending(ctx: Context, token: str | None, step: Next) -> tuple[User, dict[str, object]]:
    raw = ctx.runtime.cache.get(_key(token)) if token else None
    state = json.loads(raw) if raw else None
    user = ctx.db.get(User, str(state["user_id"])) if state else None
    if state is None or user is None or not user.is_active or state.get("next") != step:
        raise SignInExpired("This sign-in has expired or is finished. Sign in again.")
    ctx.user = user  # who the audit events of this step are by
    return user, state


def _origin(state: dict[str, object]) -> dict[str, str] | None:
    origin = state.get("origin")
    return {str(k): str(v) for k, v in origin.items()} if isinstance(origin, dict) else None


def _count_wrong_code(ctx: Context, token: str, state: dict[str, object]) -> None:
    attempts = int(str(state.get("attempts", 0))) + 1
    if attempts >= MAX_CODES_PER_SIGN_IN:
        ctx.runtime.cache.delete(_key(token))
    else:
        remaining = ctx.runtime.cache.ttl(_key(token)) or PENDING_SECONDS
        ctx.runtime.cache.set(_key(token), json.dumps({**state, "attempts": attempts}), max(1, remaining))


def submit_second_factor(ctx: Context, token: str | None, code: str | None, recovery_code: str | None) -> SignIn:
    """Finish a pending sign-in with an authenticator code or a recovery code."""
    if not code and not recovery_code:
        raise ValidationFailed("Enter the code from your authenticator app, or a recovery code.", details={"field": "code"})
    user, state = _pending(ctx, token, "two_factor")
    assert token is not None
    throttle = ctx.runtime.throttle
    throttle.check(user.email, ctx.client_address)
    used = "totp" if code and two_factor.check_code(ctx, user, code) else None
    if used is None and recovery_code and two_factor.spend_recovery_code(ctx, user, recovery_code):
        used = "recovery_code"
    if used is None:
        throttle.failed(user.email, ctx.client_address)
        _count_wrong_code(ctx, token, state)
        two_factor.record_failure(ctx, user, "user.two_factor_failed", "sign-in")
        raise InvalidTwoFactorCode("This code is wrong or was used already.")
    throttle.succeeded(user.email, ctx.client_address)
    ctx.runtime.cache.delete(_key(token))
    return start_session(ctx, user, str(state["method"]), used, _origin(state))


def begin_pending_enrolment(ctx: Context, token: str | None) -> two_factor.Enrolment:
    """For a user who must have a second factor and has none: a secret to set up, before anything else."""
    user, _ = _pending(ctx, token, "two_factor_enrolment")
    return two_factor.begin_enrolment_for(ctx, user)


def confirm_pending_enrolment(ctx: Context, token: str | None, code: str) -> tuple[SignIn, list[str]]:
    """Confirm that set-up with a first code: the second factor is on, and the sign-in finishes."""
    user, state = _pending(ctx, token, "two_factor_enrolment")
    assert token is not None
    try:
        codes = two_factor.confirm_enrolment_for(ctx, user, code)
    except InvalidTwoFactorCode:
        _count_wrong_code(ctx, token, state)
        raise
    ctx.runtime.cache.delete(_key(token))
    return start_session(ctx, user, str(state["method"]), "totp", _origin(state)), codes
