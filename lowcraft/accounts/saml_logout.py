"""SAML single logout, where the IdP supports it (its metadata names a SingleLogoutService).

- **This SP's key**: logout messages are signed (RSA-SHA256) with an instance-wide key pair made on
  first use, sealed under the instance key in `instance_settings`; its certificate is in the SP
  metadata, which also advertises the single logout service `/saml/{slug}/slo`.
- **Which session came from where**: a SAML sign-in keeps, next to its session, the provider, the
  person's NameID and the IdP's SessionIndex (`SamlSession`).
- **SP-initiated**: logging out of such a session ends it here first, then sends the browser to the
  IdP with a signed LogoutRequest (HTTP-Redirect); the IdP's LogoutResponse comes back to the SLO
  endpoint, where it must be signed by the IdP and answer a request this instance sent.
- **IdP-initiated**: a LogoutRequest at the SLO endpoint must be signed by a key of the IdP's
  metadata (SHA-256 or stronger), addressed here and not expired; it ends the sessions of that
  NameID (and SessionIndex, when given) that came from this provider, and is answered with a signed
  LogoutResponse. Anything else is refused (`saml_logout_refused`) and changes nothing.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lowcraft.accounts.sign_in import name_id_key
from lowcraft.accounts.signin import callback_url, kind_settings
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.errors import LowcraftError, NotFound
from lowcraft.identity.models import InstanceSetting, SamlSession, SignInProvider, User
from lowcraft.identity.secrets import token_hash
from lowcraft.signin.errors import LogoutRefused

log = logging.getLogger("lowcraft.signin")

SP_KEY_SETTING = "saml_sp_key_pair"
LOGOUT_SECONDS = 600

if TYPE_CHECKING:
    from lowcraft.signin.saml import SamlKind, SpKeys


def sp_keys(ctx: Context) -> SpKeys:
    """The instance's SAML signing key pair, made on first use (two replicas at once keep one)."""
    from lowcraft.signin import saml  # pysaml2 loads with SAML's first use, not at start-up

    row = ctx.db.get(InstanceSetting, SP_KEY_SETTING)
    if row is None:
        key_pem, cert_pem = saml.new_sp_key_pair("lowcraft-saml-sp")
        sealed = ctx.runtime.secret_box.encrypt_json({"key": key_pem, "cert": cert_pem}, SP_KEY_SETTING)
        try:
            with ctx.db.begin_nested():
                ctx.db.add(InstanceSetting(key=SP_KEY_SETTING, value=sealed))
        except IntegrityError:
            row = ctx.db.get(InstanceSetting, SP_KEY_SETTING)
        if row is None:
            return saml.sp_keys_in(ctx.runtime.settings.data_dir / "saml", key_pem, cert_pem)
    pair = ctx.runtime.secret_box.decrypt_json(str(row.value), SP_KEY_SETTING)
    return saml.sp_keys_in(ctx.runtime.settings.data_dir / "saml", str(pair["key"]), str(pair["cert"]))


def _saml_provider(ctx: Context, slug: str) -> tuple[SignInProvider, SamlKind, Any, str]:
    provider = ctx.db.scalar(select(SignInProvider).where(SignInProvider.slug == slug))
    if provider is None or provider.kind != "saml":
        raise NotFound(f"There is no SAML sign-in provider named {slug}.")
    kind, settings = kind_settings(ctx.runtime, provider)
    from lowcraft.signin.saml import SamlKind

    assert isinstance(kind, SamlKind)
    return provider, kind, settings, callback_url(ctx.runtime, slug, provider.kind)


def saml_metadata(ctx: Context, slug: str) -> str:
    """This instance's SAML service-provider metadata for a SAML provider (anyone may read it)."""
    _saml_provider(ctx, slug)
    from lowcraft.signin import saml

    return saml.sp_metadata(callback_url(ctx.runtime, slug, "saml"), sp_keys(ctx))


def begin_logout(ctx: Context) -> str | None:
    """For the session being logged out: the IdP address (with a signed LogoutRequest) to send the
    browser to, when the session came from a SAML IdP with single logout; otherwise None. The
    session here ends regardless: an IdP that cannot be reached leaves only its own session."""
    if not ctx.session_token:
        return None
    origin = ctx.db.get(SamlSession, token_hash(ctx.session_token))
    if origin is None:
        return None
    ctx.db.delete(origin)
    provider = ctx.db.get(SignInProvider, origin.provider_id)
    if provider is None or not provider.enabled or provider.kind != "saml":
        return None
    try:
        _, kind, settings, acs = _saml_provider(ctx, provider.slug)
        if kind.logout_service(settings, acs, ctx.runtime.provider_http) is None:
            return None
        relay = secrets.token_urlsafe(24)
        url, request_id = kind.logout_request(
            settings, acs, ctx.runtime.provider_http, sp_keys(ctx),
            {"name_id": origin.name_id, "session_index": origin.session_index}, relay,
        )
    except LowcraftError as exc:
        log.warning("single logout at %s could not start: %s", provider.slug, exc.message)
        return None
    ctx.runtime.cache.set("saml-logout:" + request_id, json.dumps({"provider": provider.id}), LOGOUT_SECONDS)
    return url


def single_logout(ctx: Context, slug: str, params: dict[str, str], binding: str) -> str:
    """The SLO endpoint: the IdP's answer to our LogoutRequest, or its own LogoutRequest. Answers
    where the browser goes next. Anyone may call it: the IdP's signature is what is checked."""
    _saml_provider(ctx, slug)  # an unknown provider is a 404 whatever the message
    if params.get("SAMLResponse"):
        return _logout_answered(ctx, slug, params, binding)
    if params.get("SAMLRequest"):
        return _idp_logout(ctx, slug, params, binding)
    raise LogoutRefused("A single logout message holds a SAMLRequest or a SAMLResponse.")


def _logout_answered(ctx: Context, slug: str, params: dict[str, str], binding: str) -> str:
    provider, kind, settings, acs = _saml_provider(ctx, slug)
    in_response_to, status = kind.logout_answer(settings, acs, ctx.runtime.provider_http, sp_keys(ctx), params, binding)
    key = "saml-logout:" + in_response_to[:100]
    raw = ctx.runtime.cache.get(key) if in_response_to else None
    ctx.runtime.cache.delete(key)
    if raw is None or json.loads(raw).get("provider") != provider.id:
        raise LogoutRefused("This logout answer answers no logout this instance started (InResponseTo).")
    if status != "success":
        log.warning("the IdP %s did not end its session: %s", slug, status)
        return "/login?" + urlencode({"logged_out": "partial"})
    return "/login?" + urlencode({"logged_out": "1"})


def _idp_logout(ctx: Context, slug: str, params: dict[str, str], binding: str) -> str:
    provider, kind, settings, acs = _saml_provider(ctx, slug)
    keys = sp_keys(ctx)
    request = kind.idp_logout(settings, acs, ctx.runtime.provider_http, keys, params, binding)
    where = [SamlSession.provider_id == provider.id, SamlSession.name_id_key == name_id_key(request.name_id)]
    if request.session_indexes:
        where.append(SamlSession.session_index.in_(request.session_indexes))
    rows = ctx.db.scalars(select(SamlSession).where(*where)).all()
    by_user: dict[str, list[str]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, []).append(row.id)
    for user_id, ids in sorted(by_user.items()):
        ctx.runtime.sessions.revoke_ids(ctx.db, user_id, ids)
        ctx.db.execute(delete(SamlSession).where(SamlSession.id.in_(ids)))
        user = ctx.db.get(User, user_id)
        ctx.user = user
        record(ctx, "user.logged_out", "user", user_id, user.email if user else "",
               summary={"by": f"provider:{slug}", "sessions": len(ids)})
    ctx.user = None
    return kind.logout_response(settings, acs, ctx.runtime.provider_http, keys, request, params.get("RelayState", ""))


__all__ = ["begin_logout", "saml_metadata", "single_logout", "sp_keys"]
