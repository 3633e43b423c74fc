"""Signing in with a provider: the flow, who the identity is, role mapping, and the providers' admin.

The protocol is the provider kind's (`lowcraft.signin`); this module decides what an identity
means here:

- **the flow**: `begin` keeps state, nonce and PKCE verifier server-side (the cache, ten minutes)
  under the state's hash, bound to this browser by a random cookie whose hash the flow holds;
  `complete` takes the flow out once (a replayed or forged answer finds nothing) and checks the
  cookie, the provider (still configured and enabled: disabling it mid-flow refuses the answer),
  then lets the kind verify the provider's answer;
- **the account**: an identity already linked names its account; otherwise the provider must vouch
  for the email (`email_verified`), which then links an existing account with that email or, if
  the provider allows it, makes one just in time. An unverified email never names an account;
- **role mapping**: rules `{claim, value, workspaceId, role}` give the highest matching role in
  each named workspace at every sign-in; a workspace the mapping granted last time and no rule
  matches now is left (unless that would leave it with no administrator);
- **the session**: `lowcraft.accounts.sign_in.after_first_factor`, the one door every login goes
  through (a session, or a pending sign-in when a second factor is due).

Every sign-in, refusal and provider change is in the audit log (instance-level events, no
workspace). Secrets of a provider's settings are sealed under the instance key, bound to the
provider's id, and never answered or logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import func, select

from lowcraft.accounts.service import (
    PASSWORD_LOGIN_SETTING,
    create_account_for_identity,
    password_login_enabled,
)
from lowcraft.accounts.sign_in import after_first_factor
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.errors import Conflict, LowcraftError, NotFound, PermissionDenied, ValidationFailed
from lowcraft.identity.models import InstanceSetting, LinkedIdentity, SignInProvider, User
from lowcraft.runtime import Runtime
from lowcraft.signin import registry
from lowcraft.signin.base import ExternalIdentity, Flow, KindSettings, ProviderKind
from lowcraft.signin.errors import (
    AccountNotAllowed,
    AnswerReplayed,
    EmailNotVerified,
    ProviderUnavailable,
    SignInRefused,
    StateMismatch,
)
from lowcraft.store.db import lock_for_update
from lowcraft.store.types import new_id, utcnow
from lowcraft.workspaces.models import Membership, Workspace
from lowcraft.workspaces.permissions import Role, require_user

log = logging.getLogger("lowcraft.signin")

FLOW_SECONDS = 600
FLOW_COOKIE = "lowcraft_signin"
MAX_PROVIDERS = 50
MAX_RULES = 200
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,58}[a-z0-9]|[a-z0-9]")


# ---------------------------------------------------------------------------------------------
# Declarations: what a provider is, in the API and in LOWCRAFT_SIGN_IN_PROVIDERS alike.


class MappingRule(BaseModel):
    """When the identity's `claim` equals `value` (or, for a list claim, contains it), the person
    gets `role` in the workspace `workspaceId`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    claim: str = Field(min_length=1, max_length=100)
    value: str = Field(max_length=500)
    workspace_id: str = Field(alias="workspaceId", min_length=1, max_length=64)
    role: Role


class ProviderDeclaration(BaseModel):
    """A provider as configured: by the admin page (`POST`), or an entry of the environment list."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True, defer_build=True)

    slug: str = Field(min_length=1, max_length=60, description="The provider's name in addresses (`okta`).")
    kind: str = Field(min_length=1, max_length=40, description="A registered kind: `oidc`, `google`, `github`.")
    name: str = Field(min_length=1, max_length=100, description="What the login button says (`Okta`).")
    enabled: bool = True
    settings: dict[str, Any] = Field(default_factory=dict, description="The kind's settings, secrets included.")
    create_accounts: bool = Field(True, alias="createAccounts", description="Make accounts just in time.")
    role_mapping: list[MappingRule] = Field(default_factory=list, alias="roleMapping", max_length=MAX_RULES)

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.fullmatch(value):
            raise ValueError("use lowercase letters, digits and dashes (not at either end)")
        return value


@dataclass(frozen=True)
class ProviderView:
    """A provider as the admin page sees it: settings without secrets, and which secrets are set."""

    provider: SignInProvider
    secrets_set: list[str]
    callback_url: str


@dataclass(frozen=True)
class SignInOutcome:
    """Where the browser goes after the provider's answer, and the session cookie if it is in."""

    location: str
    session_token: str | None
    user: User | None
    pending_token: str | None = None
    """A pending sign-in (a second factor is due) for the sign-in cookie, instead of a session."""


# ---------------------------------------------------------------------------------------------
# Settings and their secrets.


def _secret_context(provider_id: str) -> str:
    return f"sign-in-provider:{provider_id}"


def _split(kind: ProviderKind, parsed: KindSettings) -> tuple[dict[str, Any], dict[str, Any]]:
    """The kind's settings as JSON, split into what may be shown and the secrets."""
    values = parsed.model_dump(by_alias=True, mode="json")
    secret_values = {k: values.pop(k) for k in kind.secret_fields if k in values}
    return values, {k: v for k, v in secret_values.items() if v not in (None, "")}


def _open_secrets(runtime: Runtime, provider: SignInProvider) -> dict[str, Any]:
    if not provider.sealed_secrets:
        return {}
    opened = runtime.secret_box.decrypt_json(provider.sealed_secrets, _secret_context(provider.id))
    return opened if isinstance(opened, dict) else {}


def _seal(runtime: Runtime, provider: SignInProvider, values: dict[str, Any]) -> None:
    provider.sealed_secrets = (
        runtime.secret_box.encrypt_json(values, _secret_context(provider.id)) if values else None
    )


def kind_settings(runtime: Runtime, provider: SignInProvider) -> tuple[ProviderKind, KindSettings]:
    """The provider's kind and its full settings, secrets included (for a sign-in only)."""
    kind = registry.get(provider.kind)
    return kind, kind.parse({**provider.settings, **_open_secrets(runtime, provider)})


def _parse_settings(kind: ProviderKind, values: dict[str, Any]) -> KindSettings:
    try:
        return kind.parse(values)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "settings"
        raise ValidationFailed(
            f"settings.{where}: {problem['msg']}", details={"field": f"settings.{where}"}
        ) from None


def _check_rules(ctx: Context, rules: list[MappingRule]) -> None:
    ids = {rule.workspace_id for rule in rules}
    if not ids:
        return
    found = set(ctx.db.scalars(select(Workspace.id).where(Workspace.id.in_(ids))).all())
    missing = sorted(ids - found)
    if missing:
        raise ValidationFailed(
            f"roleMapping names workspaces that do not exist: {', '.join(missing)}.", details={"field": "roleMapping"}
        )


def callback_url(runtime: Runtime, slug: str, kind: str = "") -> str:
    """Where the provider sends its answer: the callback, or for kinds that answer with a form
    POST (SAML) the assertion consumer service, which hands the answer on to the callback."""
    base = runtime.settings.base_url.rstrip("/")
    if kind in registry and registry.get(kind).answers_by_post:
        return f"{base}/saml/{slug}/acs"
    return f"{base}/api/v1/auth/providers/{slug}/callback"


def _view(ctx: Context, provider: SignInProvider) -> ProviderView:
    return ProviderView(
        provider, sorted(_open_secrets(ctx.runtime, provider)), callback_url(ctx.runtime, provider.slug, provider.kind)
    )


# ---------------------------------------------------------------------------------------------
# Instance administrators: providers and the password switch.


def _require_instance_admin(ctx: Context) -> User:
    user = require_user(ctx)
    if not user.is_instance_admin:
        raise PermissionDenied("Only instance administrators manage sign-in.")
    return user


def _provider(ctx: Context, provider_id: str) -> SignInProvider:
    provider = ctx.db.get(SignInProvider, provider_id)
    if provider is None:
        raise NotFound("Sign-in provider not found.")
    return provider


def _editable(ctx: Context, provider_id: str) -> SignInProvider:
    provider = _provider(ctx, provider_id)
    if provider.managed_by == "environment":
        raise Conflict(
            f"The provider {provider.slug} is set by LOWCRAFT_SIGN_IN_PROVIDERS; change it there.",
            code="provider_managed_by_environment",
        )
    return provider


def list_providers(ctx: Context) -> list[ProviderView]:
    _require_instance_admin(ctx)
    rows = ctx.db.scalars(select(SignInProvider).order_by(SignInProvider.name)).all()
    return [_view(ctx, p) for p in rows]


def sign_in_settings(ctx: Context) -> dict[str, Any]:
    """The instance's sign-in switches as the admin page shows them."""
    _require_instance_admin(ctx)
    return {
        "passwordLogin": password_login_enabled(ctx),
        "passwordLoginFromEnvironment": ctx.runtime.settings.password_login is not None,
    }


def set_password_login(ctx: Context, enabled: bool) -> dict[str, Any]:
    _require_instance_admin(ctx)
    if ctx.runtime.settings.password_login is not None:
        raise Conflict("LOWCRAFT_PASSWORD_LOGIN decides this on this instance.", code="setting_from_environment")
    before = password_login_enabled(ctx)
    row = ctx.db.get(InstanceSetting, PASSWORD_LOGIN_SETTING)
    if row is None:
        ctx.db.add(InstanceSetting(key=PASSWORD_LOGIN_SETTING, value=enabled))
    else:
        row.value = enabled
    if before != enabled:
        record(ctx, "instance.password_login_changed", "instance", None, "password login", summary={"enabled": enabled})
    ctx.db.flush()
    return sign_in_settings(ctx)


def create_provider(ctx: Context, declaration: ProviderDeclaration) -> ProviderView:
    _require_instance_admin(ctx)
    if (ctx.db.scalar(select(func.count()).select_from(SignInProvider)) or 0) >= MAX_PROVIDERS:
        raise ValidationFailed(f"An instance may have at most {MAX_PROVIDERS} sign-in providers.")
    provider = _store_declaration(ctx, declaration, managed_by="admin")
    record(
        ctx, "sign_in_provider.created", "sign_in_provider", provider.id, provider.name,
        summary={"slug": provider.slug, "kind": provider.kind, "enabled": provider.enabled},
    )
    return _view(ctx, provider)


def _store_declaration(ctx: Context, declaration: ProviderDeclaration, *, managed_by: str) -> SignInProvider:
    kind = registry.get(declaration.kind)
    if ctx.db.scalar(select(SignInProvider.id).where(SignInProvider.slug == declaration.slug)):
        raise Conflict(f"A sign-in provider named {declaration.slug} exists already.", code="provider_exists")
    _check_rules(ctx, declaration.role_mapping)
    shown, secret_values = _split(kind, _parse_settings(kind, declaration.settings))
    provider = SignInProvider(
        id=new_id(), slug=declaration.slug, kind=kind.kind, name=declaration.name, enabled=declaration.enabled,
        settings=shown, create_accounts=declaration.create_accounts,
        role_mapping=[r.model_dump(by_alias=True, mode="json") for r in declaration.role_mapping],
        managed_by=managed_by,
    )
    _seal(ctx.runtime, provider, secret_values)
    ctx.db.add(provider)
    ctx.db.flush()
    return provider


def update_provider(ctx: Context, provider_id: str, changes: dict[str, Any]) -> ProviderView:
    """Apply a PATCH: `name`, `enabled`, `createAccounts`, `roleMapping`, and `settings` merged
    over the stored ones (a secret left out or null keeps its value; an empty string clears it)."""
    _require_instance_admin(ctx)
    provider = _editable(ctx, provider_id)
    changed = sorted(changes)
    if "name" in changes:
        provider.name = str(changes["name"])
    if "enabled" in changes:
        provider.enabled = bool(changes["enabled"])
    if "createAccounts" in changes:
        provider.create_accounts = bool(changes["createAccounts"])
    if "roleMapping" in changes:
        rules = [MappingRule.model_validate(r) for r in changes["roleMapping"]]
        _check_rules(ctx, rules)
        provider.role_mapping = [r.model_dump(by_alias=True, mode="json") for r in rules]
    if "settings" in changes:
        kind = registry.get(provider.kind)
        stored = _open_secrets(ctx.runtime, provider)
        incoming = dict(changes["settings"])
        for name in kind.secret_fields:
            if incoming.get(name) is None:
                incoming.pop(name, None)
                if name in stored:
                    incoming[name] = stored[name]
        shown, secret_values = _split(kind, _parse_settings(kind, incoming))
        provider.settings = shown
        _seal(ctx.runtime, provider, secret_values)
    provider.updated_at = utcnow()
    record(
        ctx, "sign_in_provider.updated", "sign_in_provider", provider.id, provider.name,
        summary={"changed": changed, "enabled": provider.enabled},
    )
    return _view(ctx, provider)


def delete_provider(ctx: Context, provider_id: str) -> None:
    _require_instance_admin(ctx)
    provider = _editable(ctx, provider_id)
    linked = ctx.db.scalar(select(func.count()).select_from(LinkedIdentity).where(LinkedIdentity.provider_id == provider.id))
    ctx.db.delete(provider)
    record(
        ctx, "sign_in_provider.deleted", "sign_in_provider", provider.id, provider.name,
        summary={"slug": provider.slug, "identities_unlinked": linked or 0},
    )


def parse_environment(text: str) -> list[ProviderDeclaration]:
    """The providers of `LOWCRAFT_SIGN_IN_PROVIDERS` (a JSON list); a bad entry stops the start."""
    if not text.strip():
        return []
    try:
        entries = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"LOWCRAFT_SIGN_IN_PROVIDERS is not JSON: {exc}") from None
    if not isinstance(entries, list):
        raise ValueError("LOWCRAFT_SIGN_IN_PROVIDERS must be a JSON list of providers")  # noqa: TRY004 - a setting
    declarations = []
    for index, entry in enumerate(entries):
        try:
            declaration = ProviderDeclaration.model_validate(entry)
            kind = registry.get(declaration.kind)
            kind.parse(declaration.settings)
        except (ValidationError, LowcraftError) as exc:
            raise ValueError(f"LOWCRAFT_SIGN_IN_PROVIDERS entry {index}: {exc}") from None
        declarations.append(declaration)
    slugs = [d.slug for d in declarations]
    if len(set(slugs)) != len(slugs):
        raise ValueError("LOWCRAFT_SIGN_IN_PROVIDERS names a slug twice")
    return declarations


def sync_environment_providers(runtime: Runtime) -> None:
    """Make the store's providers match `LOWCRAFT_SIGN_IN_PROVIDERS`: each entry is created or
    replaced (marked as set by the environment); providers the environment set before and no
    longer lists are disabled, keeping their linked identities. Runs at every start."""
    declarations = parse_environment(runtime.settings.sign_in_providers)
    with runtime.db.session() as db:
        ctx = Context(runtime=runtime, db=db)
        listed = {d.slug for d in declarations}
        for provider in db.scalars(select(SignInProvider).where(SignInProvider.managed_by == "environment")).all():
            if provider.slug not in listed and provider.enabled:
                provider.enabled = False
                record(ctx, "sign_in_provider.updated", "sign_in_provider", provider.id, provider.name,
                       summary={"changed": ["enabled"], "enabled": False, "by": "environment"})
        for declaration in declarations:
            existing = db.scalar(select(SignInProvider).where(SignInProvider.slug == declaration.slug))
            kind = registry.get(declaration.kind)
            shown, secret_values = _split(kind, kind.parse(declaration.settings))
            rules = [r.model_dump(by_alias=True, mode="json") for r in declaration.role_mapping]
            if existing is None:
                existing = SignInProvider(id=new_id(), slug=declaration.slug)
                db.add(existing)
                action = "sign_in_provider.created"
            else:
                action = "sign_in_provider.updated"
            before = (existing.kind, existing.name, existing.enabled, existing.settings, existing.create_accounts,
                      existing.role_mapping, existing.managed_by, _open_secrets(runtime, existing))
            after = (kind.kind, declaration.name, declaration.enabled, shown, declaration.create_accounts, rules,
                     "environment", secret_values)
            if before == after:
                continue
            existing.kind, existing.name, existing.enabled = kind.kind, declaration.name, declaration.enabled
            existing.settings, existing.create_accounts, existing.role_mapping = shown, declaration.create_accounts, rules
            existing.managed_by = "environment"
            _seal(runtime, existing, secret_values)
            db.flush()
            record(ctx, action, "sign_in_provider", existing.id, existing.name,
                   summary={"slug": existing.slug, "kind": existing.kind, "enabled": existing.enabled, "by": "environment"})


# ---------------------------------------------------------------------------------------------
# What anyone may know: which providers the login page offers.


def login_options(ctx: Context) -> dict[str, Any]:
    providers = ctx.db.scalars(
        select(SignInProvider).where(SignInProvider.enabled.is_(True)).order_by(SignInProvider.name)
    ).all()
    return {
        "passwordLogin": password_login_enabled(ctx),
        "providers": [{"slug": p.slug, "name": p.name, "kind": p.kind} for p in providers if p.kind in registry],
    }


# ---------------------------------------------------------------------------------------------
# The flow.


def _flow_key(state: str) -> str:
    return "signin-flow:" + hashlib.sha256(state.encode()).hexdigest()


def _browser_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _safe_next(next_path: str | None) -> str:
    if not next_path or not next_path.startswith("/") or next_path.startswith(("//", "/\\")):
        return "/"
    return next_path[:2000]


def _enabled_provider(ctx: Context, slug: str) -> SignInProvider:
    provider = ctx.db.scalar(select(SignInProvider).where(SignInProvider.slug == slug))
    if provider is None or not provider.enabled or provider.kind not in registry:
        raise ProviderUnavailable(f"There is no enabled sign-in provider named {slug}.")
    return provider


def begin(ctx: Context, slug: str, next_path: str | None) -> tuple[str, str]:
    """Start a sign-in: the provider address to send the browser to, and the value of the cookie
    that binds the sign-in to this browser."""
    provider = _enabled_provider(ctx, slug)
    kind, settings = kind_settings(ctx.runtime, provider)
    flow = Flow.new()
    browser = secrets.token_urlsafe(32)
    url = kind.begin(settings, callback_url(ctx.runtime, slug, kind.kind), flow, ctx.runtime.provider_http)
    ctx.runtime.cache.set(_flow_key(flow.state), json.dumps({
        "provider": provider.id, "nonce": flow.nonce, "verifier": flow.code_verifier,
        "browser": _browser_hash(browser), "next": _safe_next(next_path),
    }), FLOW_SECONDS)
    return url, browser


def _take_flow(ctx: Context, state: str) -> dict[str, Any] | None:
    if not state or len(state) > 500:
        return None
    key = _flow_key(state)
    raw = ctx.runtime.cache.get(key)
    # The claim makes the answer single-use even when two requests present it at once.
    if raw is None or ctx.runtime.cache.incr(key + ":taken", FLOW_SECONDS) != 1:
        return None
    ctx.runtime.cache.delete(key)
    data = json.loads(raw)
    return data if isinstance(data, dict) else None


def complete(ctx: Context, slug: str, params: dict[str, str], browser: str | None) -> SignInOutcome:
    """Finish a sign-in from the provider's answer. Never raises for a refused sign-in: it is
    recorded (`user.sign_in_failed`) and the browser goes back to the login page with its code."""
    state = params.get("state", "")
    flow_data = _take_flow(ctx, state)
    try:
        user, next_path, origin = _complete(ctx, slug, params, browser, flow_data, state)
    except SignInRefused as exc:
        return _refused(ctx, slug, exc)
    except LowcraftError as exc:  # the provider unreachable or misconfigured
        log.warning("sign-in with %s failed: %s", slug, exc.message)
        return _refused(ctx, slug, exc)
    sign_in = after_first_factor(ctx, user, f"provider:{slug}", origin)
    if sign_in.session is not None:
        return SignInOutcome(next_path, sign_in.session, user)
    # A second factor is due: the login page asks for it, holding the pending sign-in's cookie.
    return SignInOutcome("/login?" + urlencode({"step": sign_in.next, "next": next_path}), None, user, sign_in.pending)


def _refused(ctx: Context, slug: str, exc: LowcraftError) -> SignInOutcome:
    record(
        ctx, "user.sign_in_failed", "sign_in_provider", None, slug[:200],
        summary={"provider": slug[:60], "reason": exc.code, "message": exc.message[:300]},
    )
    return SignInOutcome("/login?" + urlencode({"error": exc.code}), None, None)


def _complete(
    ctx: Context, slug: str, params: dict[str, str], browser: str | None, flow_data: dict[str, Any] | None, state: str
) -> tuple[User, str, dict[str, str] | None]:
    if flow_data is None and params.get("SAMLResponse"):
        return _complete_unsolicited(ctx, slug, params)
    if flow_data is None:
        raise StateMismatch("This sign-in answer does not belong to a sign-in under way (expired or used). Start again.")
    if not browser or not hmac.compare_digest(_browser_hash(browser), str(flow_data.get("browser"))):
        raise StateMismatch("This sign-in was started in another browser. Start again here.")
    provider = ctx.db.get(SignInProvider, str(flow_data.get("provider")))
    if provider is None or provider.slug != slug or not provider.enabled or provider.kind not in registry:
        raise ProviderUnavailable("This sign-in provider was turned off while signing in.")
    kind, settings = kind_settings(ctx.runtime, provider)
    flow = Flow(state=state, nonce=str(flow_data["nonce"]), code_verifier=str(flow_data["verifier"]))
    identity = kind.complete(settings, callback_url(ctx.runtime, slug, kind.kind), flow, params, ctx.runtime.provider_http)
    _refuse_replay(ctx, provider, identity)
    user = _account_for(ctx, provider, identity)
    return user, str(flow_data.get("next") or "/"), _origin(provider, identity)


def _origin(provider: SignInProvider, identity: ExternalIdentity) -> dict[str, str] | None:
    """What names the session at the provider, kept with the Lowcraft session for single logout."""
    if not identity.session:
        return None
    return {"provider_id": provider.id, "name_id_text": identity.subject, **identity.session}


def _complete_unsolicited(ctx: Context, slug: str, params: dict[str, str]) -> tuple[User, str, dict[str, str] | None]:
    """A sign-in started at the IdP (SAML, when the provider allows it): no flow to match, so the
    kind checks the assertion without `InResponseTo`, and replays are still refused."""
    provider = _enabled_provider(ctx, slug)
    kind, settings = kind_settings(ctx.runtime, provider)
    identity = kind.complete(
        settings, callback_url(ctx.runtime, slug, kind.kind), Flow("", "", ""), params, ctx.runtime.provider_http
    )
    _refuse_replay(ctx, provider, identity)
    return _account_for(ctx, provider, identity), "/", _origin(provider, identity)


def _refuse_replay(ctx: Context, provider: SignInProvider, identity: ExternalIdentity) -> None:
    if identity.once is None:
        return
    answer_id, until = identity.once
    remaining = int(until - utcnow().timestamp()) if until else 3600
    key = f"signin-once:{provider.id}:" + hashlib.sha256(answer_id.encode()).hexdigest()
    if ctx.runtime.cache.incr(key, max(60, min(remaining + 300, 86400))) != 1:
        raise AnswerReplayed("This sign-in answer was used already; a replayed assertion signs no one in.")


ANSWER_SECONDS = 120


def stash_answer(ctx: Context, form: dict[str, str]) -> str:
    """Keep a provider's form-POSTed answer (SAML) for the callback the browser is sent to next.

    The POST comes from the provider's page, so the browser sends no SameSite=Lax cookie with it;
    the redirect that follows is a top-level GET, which carries the sign-in cookie binding the
    answer to the browser that started the sign-in."""
    key = secrets.token_urlsafe(24)
    kept = {k: form[k][:500_000] for k in ("SAMLResponse", "RelayState") if isinstance(form.get(k), str)}
    ctx.runtime.cache.set("signin-answer:" + key, json.dumps(kept), ANSWER_SECONDS)
    return key


def stashed_answer(ctx: Context, key: str) -> dict[str, str]:
    """The answer kept by `stash_answer`, once, as callback parameters (`state` from RelayState)."""
    raw = ctx.runtime.cache.get("signin-answer:" + key[:100])
    ctx.runtime.cache.delete("signin-answer:" + key[:100])
    kept = json.loads(raw) if raw else {}
    params = {"SAMLResponse": str(kept.get("SAMLResponse", ""))}
    if kept.get("RelayState"):
        params["state"] = str(kept["RelayState"])
    return params


def _account_for(ctx: Context, provider: SignInProvider, identity: ExternalIdentity) -> User:
    linked = ctx.db.scalar(
        select(LinkedIdentity).where(LinkedIdentity.provider_id == provider.id, LinkedIdentity.subject == identity.subject)
    )
    if linked is not None:
        user = ctx.db.get(User, linked.user_id)
        if user is None or not user.is_active:
            raise AccountNotAllowed("The account linked to this identity is deactivated.")
    else:
        if not identity.email:
            raise EmailNotVerified(f"{provider.name} did not share an email address, so no account can be found.")
        if not identity.email_verified:
            raise EmailNotVerified(f"{provider.name} has not verified the email {identity.email}; verify it there first.")
        found = ctx.db.scalar(select(User).where(User.email == identity.email))
        if found is None:
            if not provider.create_accounts:
                raise AccountNotAllowed(f"There is no account for {identity.email}; ask an administrator for one.")
            found = create_account_for_identity(ctx, identity.email, identity.name)
        elif not found.is_active:
            raise AccountNotAllowed("The account with this email is deactivated.")
        user = found
        linked = LinkedIdentity(user_id=user.id, provider_id=provider.id, subject=identity.subject, mapped_workspaces=[])
        ctx.db.add(linked)
        ctx.user = user
        record(ctx, "user.identity_linked", "user", user.id, user.email,
               summary={"provider": provider.slug, "subject": identity.subject[:100]})
    linked.email = identity.email or linked.email
    linked.last_used_at = utcnow()
    ctx.user = user
    apply_role_mapping(ctx, provider, linked, user, identity.claims)
    return user


# ---------------------------------------------------------------------------------------------
# Role mapping.


def _matches(claims: Any, rule: dict[str, Any]) -> bool:
    value = claims.get(rule["claim"]) if hasattr(claims, "get") else None
    if isinstance(value, list):
        return any(str(v) == rule["value"] for v in value)
    if isinstance(value, bool):
        return str(value).lower() == str(rule["value"]).lower()
    return value is not None and str(value) == str(rule["value"])


def wanted_roles(rules: list[dict[str, Any]], claims: Any) -> dict[str, Role]:
    """The highest role each workspace's matching rules give."""
    wanted: dict[str, Role] = {}
    for rule in rules:
        if _matches(claims, rule):
            role = Role(rule["role"])
            current = wanted.get(rule["workspaceId"])
            if current is None or role.rank > current.rank:
                wanted[rule["workspaceId"]] = role
    return wanted


def _administrators(ctx: Context, workspace_id: str) -> int:
    return ctx.db.scalar(
        select(func.count()).select_from(Membership).where(
            Membership.workspace_id == workspace_id, Membership.role == Role.ADMINISTRATOR
        )
    ) or 0


def apply_role_mapping(
    ctx: Context, provider: SignInProvider, linked: LinkedIdentity, user: User, claims: Any
) -> None:
    wanted = wanted_roles(provider.role_mapping or [], claims)
    granted_before = set(linked.mapped_workspaces or [])
    for workspace_id, role in sorted(wanted.items()):
        if lock_for_update(ctx.db, Workspace, workspace_id) is None:
            continue  # deleted since the rule was written
        membership = ctx.db.get(Membership, (workspace_id, user.id), populate_existing=True)
        if membership is None:
            ctx.db.add(Membership(workspace_id=workspace_id, user_id=user.id, role=role))
            record(ctx, "member.joined", "user", user.id, user.email, workspace_id=workspace_id,
                   summary={"role": role.value, "by": f"provider:{provider.slug}"})
        elif membership.role != role:
            before = Role(membership.role)
            if before == Role.ADMINISTRATOR and _administrators(ctx, workspace_id) <= 1:
                continue  # the last administrator stays one
            membership.role = role
            record(ctx, "member.role_changed", "user", user.id, user.email, workspace_id=workspace_id,
                   summary={"before": before.value, "after": role.value, "by": f"provider:{provider.slug}"})
    for workspace_id in sorted(granted_before - set(wanted)):
        if lock_for_update(ctx.db, Workspace, workspace_id) is None:
            continue
        membership = ctx.db.get(Membership, (workspace_id, user.id), populate_existing=True)
        if membership is None:
            continue
        if membership.role == Role.ADMINISTRATOR and _administrators(ctx, workspace_id) <= 1:
            continue
        ctx.db.delete(membership)
        record(ctx, "member.removed", "user", user.id, user.email, workspace_id=workspace_id,
               summary={"by": f"provider:{provider.slug}"})
    linked.mapped_workspaces = sorted(wanted)


# ---------------------------------------------------------------------------------------------
# The signed-in person's identities.


def list_identities(ctx: Context) -> list[tuple[LinkedIdentity, SignInProvider]]:
    user = require_user(ctx)
    rows = ctx.db.execute(
        select(LinkedIdentity, SignInProvider)
        .join(SignInProvider, SignInProvider.id == LinkedIdentity.provider_id)
        .where(LinkedIdentity.user_id == user.id)
        .order_by(LinkedIdentity.created_at)
    ).all()
    return [(linked, provider) for linked, provider in rows]


def unlink_identity(ctx: Context, identity_id: str) -> None:
    """Remove one of the caller's linked identities; refused when it is their only way in."""
    user = require_user(ctx)
    linked = ctx.db.get(LinkedIdentity, identity_id)
    if linked is None or linked.user_id != user.id:
        raise NotFound("Linked identity not found.")
    others = ctx.db.scalar(
        select(func.count()).select_from(LinkedIdentity).where(
            LinkedIdentity.user_id == user.id, LinkedIdentity.id != linked.id
        )
    ) or 0
    password_works = user.password_hash is not None and (password_login_enabled(ctx) or user.is_instance_admin)
    if others == 0 and not password_works:
        raise Conflict(
            "This is your only way to sign in; set a password (or link another provider) first.",
            code="last_sign_in_method",
        )
    provider = ctx.db.get(SignInProvider, linked.provider_id)
    ctx.db.delete(linked)
    record(ctx, "user.identity_unlinked", "user", user.id, user.email,
           summary={"provider": provider.slug if provider else linked.provider_id})


__all__ = [
    "FLOW_COOKIE",
    "MappingRule",
    "ProviderDeclaration",
    "ProviderView",
    "SignInOutcome",
    "begin",
    "complete",
    "create_provider",
    "delete_provider",
    "list_identities",
    "list_providers",
    "login_options",
    "parse_environment",
    "set_password_login",
    "sign_in_settings",
    "sync_environment_providers",
    "unlink_identity",
    "update_provider",
]
