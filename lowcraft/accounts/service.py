"""Accounts: signup, login, logout, passwords, reset links and personal API tokens."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from lowcraft.accounts import two_factor
from lowcraft.accounts.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidResetToken,
    InvalidSignupLink,
    PasswordLoginDisabled,
    SignupClosed,
)
from lowcraft.accounts.sign_in import SignIn, after_first_factor
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.errors import NotFound, ValidationFailed
from lowcraft.identity.models import ApiToken, InstanceSetting, PasswordResetToken, User
from lowcraft.identity.secrets import API_TOKEN_PREFIX, new_token, token_hash
from lowcraft.identity.throttle import MailThrottle
from lowcraft.identity.users import normalise_email, revoke_api_tokens
from lowcraft.store.types import utcnow
from lowcraft.workspaces.models import Invite, Membership, Workspace
from lowcraft.workspaces.permissions import Role, require_user

RESET_TOKEN_LIFETIME = timedelta(hours=1)
SIGNUP_LINK_LIFETIME = timedelta(hours=24)
MAX_TOKENS_PER_USER = 50
PASSWORD_LOGIN_SETTING = "password_login"


# One address: a local part without spaces, control characters or the characters that separate or
# quote addresses in a mail header, then a domain of at least two non-empty dot-separated labels.


def _pending_invites(ctx: Context, email: str) -> list[Invite]:
    return list(ctx.db.scalars(select(Invite).where(Invite.email == email)).all())


def accept_invites(ctx: Context, user: User) -> int:
    """Turn the user's pending invitations into memberships."""
    accepted = 0
    for invite in _pending_invites(ctx, user.email):
        exists = ctx.db.get(Membership, (invite.workspace_id, user.id))
        if exists is None:
            ctx.db.add(Membership(workspace_id=invite.workspace_id, user_id=user.id, role=invite.role))
            record(
                ctx, "member.joined", "user", user.id, user.email,
                workspace_id=invite.workspace_id, summary={"role": invite.role},
            )
            accepted += 1
        ctx.db.delete(invite)
    return accepted


def signup(ctx: Context, email: str, password: str, name: str) -> SignIn | None:
    """Start an account; returns the sign-in when the account exists at once (the instance's first
    user, who is logged in).

    Anyone else gets an email: a link that finishes the signup, or, when the address has an account
    already, a note saying so. Both answer the caller alike (and take as long: the password is
    hashed either way), so signup cannot be used to learn who has an account here.
    """
    email = normalise_email(email)
    password_hash = ctx.runtime.passwords.hash(password)
    if ctx.db.scalar(select(User.id).limit(1)) is None:
        return after_first_factor(ctx, _create_user(ctx, email, password_hash, name), "signup")
    if not password_login_enabled(ctx):
        raise SignupClosed("Accounts on this instance are made by signing in with a provider.")
    _check_signup_policy(ctx, email)
    # Each request sends an email; over the limit nothing is sent, and the answer stays the same.
    if not MailThrottle(ctx.runtime.cache, "signup").allow(email, ctx.client_address):
        return None
    base = ctx.runtime.settings.base_url.rstrip("/")
    if ctx.db.scalar(select(User.id).where(User.email == email)) is not None:
        ctx.runtime.mailer.send(
            email,
            "Someone tried to sign up to Lowcraft with your email",
            f"Someone tried to create a Lowcraft account at {base} for {email}, which has one already.\n\n"
            f"If it was you, log in:\n{base}/login\n\nor, if you forgot your password, choose a new "
            f"one:\n{base}/forgot-password\n\nIf it was not you, ignore this email: your account is unchanged.",
        )
        return None
    token = new_token()
    pending = {"email": email, "name": name, "password_hash": password_hash}
    lifetime = int(SIGNUP_LINK_LIFETIME.total_seconds())
    ctx.runtime.cache.set(_signup_key(token), json.dumps(pending), lifetime)
    ctx.runtime.mailer.send(
        email,
        "Finish signing up to Lowcraft",
        f"Someone asked for a Lowcraft account at {base} for {email}.\n\nOpen this link within "
        f"{lifetime // 3600} hours to finish:\n{base}/signup/confirm?token={token}\n\n"
        "If it was not you, ignore this email: no account is made without the link.",
    )
    return None


def confirm_signup(ctx: Context, token: str) -> SignIn:
    """Finish a signup from its emailed link: the account is made and the caller logged in (or led
    to set up a second factor first, when a workspace they were invited to requires one)."""
    key = _signup_key(token)
    raw = ctx.runtime.cache.get(key)
    # The claim makes the link single-use even when two requests present it at once.
    if raw is None or ctx.runtime.cache.incr(key + ":claimed", int(SIGNUP_LINK_LIFETIME.total_seconds())) != 1:
        raise InvalidSignupLink("This signup link is invalid, used or expired. Sign up again.")
    pending = json.loads(raw)
    email = str(pending["email"])
    if ctx.db.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvalidSignupLink("This signup link is invalid, used or expired. Sign up again.")
    _check_signup_policy(ctx, email)  # an invitation may have been withdrawn since
    ctx.runtime.cache.delete(key)
    return after_first_factor(ctx, _create_user(ctx, email, str(pending["password_hash"]), str(pending["name"])), "signup")


def _signup_key(token: str) -> str:
    return f"signup:{token_hash(token)}"


def _check_signup_policy(ctx: Context, email: str) -> None:
    """Refuse emails the instance's signup policy does not admit (regardless of existing accounts)."""
    settings = ctx.runtime.settings
    if _pending_invites(ctx, email):
        return
    if settings.signup == "invite":
        raise SignupClosed("Signup on this instance is by invitation only.")
    domain = email.rsplit("@", 1)[1]
    if settings.signup_domains and domain not in settings.signup_domains:
        raise SignupClosed("Signup is limited to some email domains; this one is not among them.")


def create_account(ctx: Context, email: str, password: str, name: str) -> User:
    """Make an account at once, without an emailed link or the signup policy (operators' command)."""
    email = normalise_email(email)
    if ctx.db.scalar(select(User.id).where(User.email == email)):
        raise EmailTaken("An account with this email exists already.")
    return _create_user(ctx, email, ctx.runtime.passwords.hash(password), name)


def _create_user(
    ctx: Context, email: str, password_hash: str | None, name: str, *, first_is_admin: bool = True
) -> User:
    first_user = first_is_admin and ctx.db.scalar(select(User.id).limit(1)) is None
    user = User(
        email=email,
        name=(name.strip() or email.split("@")[0])[:200],
        password_hash=password_hash,
        is_instance_admin=first_user or email in ctx.runtime.settings.admin_email_set,
    )
    ctx.db.add(user)
    ctx.db.flush()
    ctx.user = user
    record(ctx, "user.signed_up", "user", user.id, email, summary={"instance_admin": user.is_instance_admin})
    if accept_invites(ctx, user) == 0:
        workspace = Workspace(name=f"{user.name}'s apps"[:100])
        ctx.db.add(workspace)
        ctx.db.flush()
        ctx.db.add(Membership(workspace_id=workspace.id, user_id=user.id, role=Role.ADMINISTRATOR))
        record(ctx, "workspace.created", "workspace", workspace.id, workspace.name, workspace_id=workspace.id)
    return user


def authenticate(ctx: Context, email: str, password: str) -> User:
    """Check credentials under the login throttle; raises InvalidCredentials or LoginThrottled."""
    email = email.strip().lower()
    throttle = ctx.runtime.throttle
    throttle.check(email, ctx.client_address)
    user = ctx.db.scalar(select(User).where(User.email == email))
    stored = user.password_hash if user and user.is_active else None
    if not ctx.runtime.passwords.verify(stored, password) or user is None:
        throttle.failed(email, ctx.client_address)
        raise InvalidCredentials("Email or password is wrong.")
    throttle.succeeded(email, ctx.client_address)
    if stored and ctx.runtime.passwords.needs_rehash(stored):
        user.password_hash = ctx.runtime.passwords.hash(password)
    ctx.user = user
    accept_invites(ctx, user)
    return user


def password_login_enabled(ctx: Context) -> bool:
    """Whether people may log in with a password: `LOWCRAFT_PASSWORD_LOGIN` if set, else the
    instance administrators' setting (on unless turned off)."""
    forced = ctx.runtime.settings.password_login
    if forced is not None:
        return forced
    row = ctx.db.get(InstanceSetting, PASSWORD_LOGIN_SETTING)
    return row is None or row.value is not False


def _refuse_password_unless_admin(ctx: Context, user: User) -> bool:
    """With password login off, only instance administrators pass (the break-glass path); answers
    whether this login is such a break-glass one."""
    if password_login_enabled(ctx):
        return False
    if not user.is_instance_admin:
        raise PasswordLoginDisabled(
            "Password login is turned off on this instance; sign in with one of the providers listed."
        )
    return True


def login(ctx: Context, email: str, password: str) -> SignIn:
    """Check the password; a session, or a pending sign-in when a second factor is due. With
    password login off, only instance administrators get here (the break-glass path, audited as
    such)."""
    tried = email.strip().lower()[:200]
    try:
        user = authenticate(ctx, email, password)
        break_glass = _refuse_password_unless_admin(ctx, user)
    except (InvalidCredentials, PasswordLoginDisabled) as exc:
        # The refusal rolls the request back; the audit event is committed on its own (the email
        # tried, never the password). Nothing a refused login did before (invites) is kept. A
        # throttled attempt checks no password and records nothing: a flood stays out of the log.
        ctx.db.rollback()
        known = ctx.db.scalar(select(User).where(User.email == tried)) if tried else None
        two_factor.record_failure(ctx, known, "user.sign_in_failed", exc.code, email=tried, method="password")
        raise
    return after_first_factor(ctx, user, "password:break_glass" if break_glass else "password")


def logout(ctx: Context) -> None:
    if ctx.session_token:
        ctx.runtime.sessions.revoke(ctx.db, ctx.session_token)
    if ctx.user:
        record(ctx, "user.logged_out", "user", ctx.user.id, ctx.user.email)


def update_profile(ctx: Context, name: str) -> User:
    user = require_user(ctx)
    name = name.strip()
    if not name:
        raise ValidationFailed("A name is required.", details={"field": "name"})
    user.name = name[:200]
    record(ctx, "user.updated", "user", user.id, user.email, summary={"name": user.name})
    return user


def change_password(ctx: Context, current: str, new: str, *, revoke_api_tokens: bool = False) -> None:
    """Change the caller's password; their other sessions end, and their API tokens too if asked.

    Wrong current passwords count against the login throttle: a stolen session must not become a
    way to guess the password without limit.
    """
    user = require_user(ctx)
    throttle = ctx.runtime.throttle
    throttle.check(user.email, ctx.client_address)
    if not ctx.runtime.passwords.verify(user.password_hash, current):
        throttle.failed(user.email, ctx.client_address)
        raise InvalidCredentials("The current password is wrong.")
    throttle.succeeded(user.email, ctx.client_address)
    user.password_hash = ctx.runtime.passwords.hash(new)
    ctx.runtime.sessions.revoke_user(ctx.db, user.id, keep=ctx.session_token)
    revoked = _revoke_api_tokens(ctx, user) if revoke_api_tokens else 0
    record(ctx, "user.password_changed", "user", user.id, user.email, summary={"api_tokens_revoked": revoked})


def _revoke_api_tokens(ctx: Context, user: User) -> int:
    """Revoke every active API token of `user`; returns how many."""
    return revoke_api_tokens(ctx.db, user.id)


def request_password_reset(ctx: Context, email: str) -> None:
    """Email a one-time link; answers the same whether or not the account exists."""
    try:
        email = normalise_email(email)
    except ValidationFailed:
        return
    if not MailThrottle(ctx.runtime.cache, "reset").allow(email, ctx.client_address):
        return
    user = ctx.db.scalar(select(User).where(User.email == email, User.is_active.is_(True)))
    if user is None:
        return
    token = new_token()
    ctx.db.add(
        PasswordResetToken(
            user_id=user.id, token_hash=token_hash(token), expires_at=utcnow() + RESET_TOKEN_LIFETIME
        )
    )
    link = f"{ctx.runtime.settings.base_url.rstrip('/')}/reset-password?token={token}"
    ctx.runtime.mailer.send(
        user.email,
        "Reset your Lowcraft password",
        f"Someone asked to reset the password of {user.email}.\n\nOpen this link within an hour to "
        f"choose a new one:\n{link}\n\nIf it was not you, ignore this email.",
    )
    record(ctx, "user.password_reset_requested", "user", user.id, user.email)


def confirm_password_reset(ctx: Context, token: str, password: str) -> SignIn:
    """Set the new password, end every session and API token of the account, and log the caller in
    (after their second factor, when they have one: a reset link proves the mailbox, not the phone)."""
    row = ctx.db.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise InvalidResetToken("This reset link is invalid or has expired. Ask for a new one.")
    user = ctx.db.get(User, row.user_id)
    if user is None or not user.is_active:
        raise InvalidResetToken("This reset link is invalid or has expired. Ask for a new one.")
    _refuse_password_unless_admin(ctx, user)
    user.password_hash = ctx.runtime.passwords.hash(password)
    row.used_at = utcnow()
    # Whoever made the reset necessary may hold a session or a token: both end here.
    ctx.runtime.sessions.revoke_user(ctx.db, user.id)
    revoked = _revoke_api_tokens(ctx, user)
    ctx.user = user
    record(ctx, "user.password_reset", "user", user.id, user.email, summary={"api_tokens_revoked": revoked})
    return after_first_factor(ctx, user, "password_reset")


def create_api_token(ctx: Context, name: str, expires_in_days: int | None) -> tuple[ApiToken, str]:
    user = require_user(ctx)
    name = name.strip()
    if not name:
        raise ValidationFailed("Give the token a name.", details={"field": "name"})
    count = len(ctx.db.scalars(select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all())
    if count >= MAX_TOKENS_PER_USER:
        raise ValidationFailed(f"A user may have at most {MAX_TOKENS_PER_USER} active tokens.")
    secret = new_token(API_TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=name[:100],
        token_hash=token_hash(secret),
        prefix=secret[:10],
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    ctx.db.add(token)
    ctx.db.flush()
    record(ctx, "token.created", "api_token", token.id, token.name)
    return token, secret


def list_api_tokens(ctx: Context) -> list[ApiToken]:
    user = require_user(ctx)
    return list(
        ctx.db.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc())
        ).all()
    )


def revoke_api_token(ctx: Context, token_id: str) -> None:
    user = require_user(ctx)
    token = ctx.db.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound("Token not found.")
    token.revoked_at = utcnow()
    record(ctx, "token.revoked", "api_token", token.id, token.name)



def create_account_for_identity(ctx: Context, email: str, name: str) -> User:
    """Just-in-time account for a person a sign-in provider vouches for: no password (they sign in
    with the provider, or set one with a reset link), invitations accepted as at signup.

    Unlike a password signup, being the instance's first account does not make one an instance
    administrator: a provider may admit a whole organisation, whose first member to sign in is
    anyone. Instance administrators come from LOWCRAFT_ADMIN_EMAILS (or `lowcraft create-admin`)."""
    return _create_user(ctx, normalise_email(email), None, name, first_is_admin=False)
