"""Two-factor authentication (TOTP): enrolment, recovery codes, turning it off, and the policies
that require it (instance-wide by an instance administrator, per workspace by its administrators).

A second factor is asked for at sign-in (`lowcraft.accounts.sign_in`), never of API tokens: a token
is a credential of its own, made by a signed-in user. Secrets are encrypted under the instance key;
recovery codes are stored hashed and shown once. Wrong codes count against the login throttle, so a
stolen password (or session, when disabling) does not buy unlimited guesses at six digits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select

from lowcraft.accounts.errors import (
    InvalidCredentials,
    InvalidTwoFactorCode,
    TwoFactorNotEnabled,
    TwoFactorRequired,
    TwoFactorSetupNeeded,
)
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.errors import PermissionDenied, ValidationFailed
from lowcraft.identity import totp
from lowcraft.identity.models import InstanceSetting, RecoveryCode, TwoFactor, User
from lowcraft.store.types import utcnow
from lowcraft.workspaces.models import Membership, Workspace
from lowcraft.workspaces.permissions import Role, require_user, require_workspace

INSTANCE_REQUIRED_KEY = "two_factor_required"


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment screen shows: the secret (for typing in), its URI and the QR code of it."""

    secret: str
    uri: str
    qr_svg: str


@dataclass(frozen=True)
class Status:
    enabled: bool
    required: bool
    recovery_codes_left: int
    enrolment_pending: bool


@dataclass(frozen=True)
class WorkspacePolicy:
    id: str
    name: str
    required: bool


# -- reading state ------------------------------------------------------------------------------


def _row(ctx: Context, user: User) -> TwoFactor | None:
    return ctx.db.get(TwoFactor, user.id)


def is_enabled(ctx: Context, user: User) -> bool:
    row = _row(ctx, user)
    return row is not None and row.secret is not None


def instance_requires(ctx: Context) -> bool:
    setting = ctx.db.get(InstanceSetting, INSTANCE_REQUIRED_KEY)
    return bool(setting.value) if setting else False


def required_for(ctx: Context, user: User) -> bool:
    """Whether an administrator requires a second factor of `user`: instance-wide, or by any
    workspace they are a member of."""
    if instance_requires(ctx):
        return True
    return ctx.db.scalar(
        select(Membership.workspace_id)
        .join(Workspace, Workspace.id == Membership.workspace_id)
        .where(Membership.user_id == user.id, Workspace.require_two_factor.is_(True))
        .limit(1)
    ) is not None


def _codes_left(ctx: Context, user: User) -> int:
    return ctx.db.scalar(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ) or 0


def status(ctx: Context) -> Status:
    user = require_user(ctx)
    row = _row(ctx, user)
    return Status(
        enabled=row is not None and row.secret is not None,
        required=required_for(ctx, user),
        recovery_codes_left=_codes_left(ctx, user),
        enrolment_pending=row is not None and row.pending_secret is not None,
    )


# -- checking codes -----------------------------------------------------------------------------


def _secret(ctx: Context, user: User, sealed: str) -> str:
    return ctx.runtime.secret_box.decrypt(sealed, f"two-factor:{user.id}").decode()


def _seal(ctx: Context, user: User, secret: str) -> str:
    return ctx.runtime.secret_box.encrypt(secret.encode(), f"two-factor:{user.id}")


def check_code(ctx: Context, user: User, code: str) -> bool:
    """Whether `code` is the user's current authenticator code, spending it (each works once)."""
    row = _row(ctx, user)
    if row is None or row.secret is None:
        return False
    step = totp.accepted_step(_secret(ctx, user, row.secret), code, row.last_step)
    if step is None:
        return False
    row.last_step = step
    return True


def spend_recovery_code(ctx: Context, user: User, code: str) -> bool:
    """Whether `code` is one of the user's unused recovery codes, marking it used."""
    found = ctx.db.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == totp.recovery_code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        return False
    found.used_at = utcnow()
    return True


def record_failure(
    ctx: Context, user: User | None, action: str, reason: str, *, email: str = "", **details: str
) -> None:
    """Audit a refused sign-in step (a wrong code or password) and commit it now: the error that
    refuses the request rolls back the rest of its transaction, and the event must outlive that.
    Callers write nothing before the check (or roll it back first), so this commits only the event
    (and a session's last-seen time). `user` is None when the email tried names no account."""
    actor, ctx.user = ctx.user, ctx.user or user
    summary = {"reason": reason, **details}
    record(ctx, action, "user", user.id if user else None, user.email if user else email, summary=summary)
    ctx.user = actor
    ctx.db.commit()


def _prove(ctx: Context, user: User, code: str | None, password: str | None, purpose: str) -> None:
    """The caller proves again who they are, with an authenticator code, a recovery code or the
    password, under the login throttle: a stolen session must not become a way to guess."""
    throttle = ctx.runtime.throttle
    throttle.check(user.email, ctx.client_address)
    if code:
        ok = check_code(ctx, user, code) or spend_recovery_code(ctx, user, code)
    elif password:
        ok = ctx.runtime.passwords.verify(user.password_hash, password)
    else:
        raise ValidationFailed("Enter a code from your authenticator app, a recovery code or your password.",
                               details={"field": "code"})
    if not ok:
        throttle.failed(user.email, ctx.client_address)
        record_failure(ctx, user, "user.two_factor_failed", purpose)
        if code:
            raise InvalidTwoFactorCode("This code is wrong or was used already.")
        raise InvalidCredentials("The password is wrong.")
    throttle.succeeded(user.email, ctx.client_address)


# -- enrolment ----------------------------------------------------------------------------------


def begin_enrolment_for(ctx: Context, user: User) -> Enrolment:
    """A new secret waiting for its first code; replaces any enrolment in progress, and leaves a
    confirmed authenticator working until the new one is confirmed (a new phone)."""
    secret = totp.new_secret()
    row = _row(ctx, user)
    if row is None:
        row = TwoFactor(user_id=user.id, last_step=0)
        ctx.db.add(row)
    row.pending_secret = _seal(ctx, user, secret)
    uri = totp.provisioning_uri(secret, user.email)
    return Enrolment(secret=secret, uri=uri, qr_svg=totp.qr_svg(uri))


def confirm_enrolment_for(ctx: Context, user: User, code: str) -> list[str]:
    """Turn on the enrolment in progress with a first code from it; answers ten new recovery codes
    (the only time they are shown; earlier ones stop working)."""
    row = _row(ctx, user)
    if row is None or row.pending_secret is None:
        raise TwoFactorNotEnabled("Start the set-up first: there is no authenticator waiting for a code.")
    throttle = ctx.runtime.throttle
    throttle.check(user.email, ctx.client_address)
    secret = _secret(ctx, user, row.pending_secret)
    step = totp.accepted_step(secret, code, 0)
    if step is None:
        throttle.failed(user.email, ctx.client_address)
        record_failure(ctx, user, "user.two_factor_failed", "enrolment code")
        raise InvalidTwoFactorCode("This code does not match: check the time on your phone and try the next code.")
    throttle.succeeded(user.email, ctx.client_address)
    replaced = row.secret is not None
    row.secret, row.pending_secret, row.last_step, row.enabled_at = row.pending_secret, None, step, utcnow()
    codes = _new_recovery_codes(ctx, user)
    record(ctx, "user.two_factor_enabled", "user", user.id, user.email, summary={"replaced": replaced})
    return codes


def _new_recovery_codes(ctx: Context, user: User) -> list[str]:
    ctx.db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    for code in codes:
        ctx.db.add(RecoveryCode(user_id=user.id, code_hash=totp.recovery_code_hash(code)))
    return codes


def begin_enrolment(ctx: Context) -> Enrolment:
    return begin_enrolment_for(ctx, require_user(ctx))


def confirm_enrolment(ctx: Context, code: str) -> list[str]:
    return confirm_enrolment_for(ctx, require_user(ctx), code)


def regenerate_recovery_codes(ctx: Context, code: str | None, password: str | None) -> list[str]:
    user = require_user(ctx)
    if not is_enabled(ctx, user):
        raise TwoFactorNotEnabled("Two-factor authentication is off for this account.")
    _prove(ctx, user, code, password, "recovery codes")
    codes = _new_recovery_codes(ctx, user)
    record(ctx, "user.recovery_codes_renewed", "user", user.id, user.email)
    return codes


def disable(ctx: Context, code: str | None, password: str | None) -> None:
    user = require_user(ctx)
    if not is_enabled(ctx, user):
        raise TwoFactorNotEnabled("Two-factor authentication is off for this account.")
    if required_for(ctx, user):
        raise TwoFactorRequired(
            "An administrator requires two-factor authentication for your account. To move to a new "
            "phone, set up the authenticator again instead."
        )
    _prove(ctx, user, code, password, "disable")
    ctx.db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    ctx.db.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    record(ctx, "user.two_factor_disabled", "user", user.id, user.email)


# -- policies -----------------------------------------------------------------------------------


def _require_instance_admin(ctx: Context) -> User:
    user = require_user(ctx)
    if not user.is_instance_admin:
        raise PermissionDenied("Only an instance administrator manages this.")
    return user


def _end_sessions_without_second_factor(ctx: Context, user_ids: list[str]) -> int:
    """Users who must now have a second factor and have none sign in again, and are led to set it
    up then: their sessions end here (their API tokens go on, as tokens skip the second factor)."""
    enabled = set(ctx.db.scalars(select(TwoFactor.user_id).where(TwoFactor.secret.is_not(None))).all())
    ended = 0
    for user_id in user_ids:
        if user_id not in enabled:
            ctx.runtime.sessions.revoke_user(ctx.db, user_id)
            ended += 1
    return ended


def instance_policy(ctx: Context) -> tuple[bool, list[WorkspacePolicy]]:
    """The instance's requirement and every workspace's (instance administrators only)."""
    _require_instance_admin(ctx)
    workspaces = ctx.db.scalars(select(Workspace).order_by(Workspace.name)).all()
    return instance_requires(ctx), [WorkspacePolicy(w.id, w.name, w.require_two_factor) for w in workspaces]


def set_instance_policy(ctx: Context, required: bool) -> bool:
    user = _require_instance_admin(ctx)
    if required and not is_enabled(ctx, user):
        raise TwoFactorSetupNeeded("Set up two-factor authentication for your own account first.")
    setting = ctx.db.get(InstanceSetting, INSTANCE_REQUIRED_KEY)
    before = bool(setting.value) if setting else False
    if setting is None:
        ctx.db.add(InstanceSetting(key=INSTANCE_REQUIRED_KEY, value=required))
    else:
        setting.value = required
    ended = 0
    if required and not before:
        ended = _end_sessions_without_second_factor(ctx, list(ctx.db.scalars(select(User.id)).all()))
    record(ctx, "instance.two_factor_policy_changed", "instance", None, "instance",
           summary={"before": before, "after": required, "sessions_ended_for": ended})
    return required


def set_workspace_policy(ctx: Context, workspace_id: str, required: bool) -> WorkspacePolicy:
    """Whether the workspace's members must use a second factor (its administrators decide)."""
    workspace, _ = require_workspace(ctx, workspace_id, Role.ADMINISTRATOR)
    user = require_user(ctx)
    if required and not is_enabled(ctx, user):
        raise TwoFactorSetupNeeded("Set up two-factor authentication for your own account first.")
    before = workspace.require_two_factor
    workspace.require_two_factor = required
    ended = 0
    if required and not before:
        members = ctx.db.scalars(select(Membership.user_id).where(Membership.workspace_id == workspace.id)).all()
        ended = _end_sessions_without_second_factor(ctx, list(members))
    record(ctx, "workspace.two_factor_policy_changed", "workspace", workspace.id, workspace.name,
           workspace_id=workspace.id, summary={"before": before, "after": required, "sessions_ended_for": ended})
    return WorkspacePolicy(workspace.id, workspace.name, required)
