"""Instance settings for instance administrators: read and change, with an audit event."""

from __future__ import annotations

from dataclasses import dataclass

from lowcraft.admin.errors import NotInstanceAdministrator
from lowcraft.admin.settings import library_url_policy, save_library_urls
from lowcraft.audit.handler import record
from lowcraft.context import Context
from lowcraft.workspaces.permissions import require_user


@dataclass(frozen=True)
class InstanceSettingsView:
    js_library_urls: tuple[str, ...]
    js_library_urls_from_environment: tuple[str, ...]
    js_library_max_bytes: int


def _require_instance_admin(ctx: Context) -> None:
    if not require_user(ctx).is_instance_admin:
        raise NotInstanceAdministrator("Only an instance administrator may see or change instance settings.")


def _view(ctx: Context) -> InstanceSettingsView:
    policy = library_url_policy(ctx)
    return InstanceSettingsView(
        policy.saved, policy.from_environment, int(ctx.runtime.settings.js_library_max_mb * 1024 * 1024)
    )


def get_settings(ctx: Context) -> InstanceSettingsView:
    _require_instance_admin(ctx)
    return _view(ctx)


def change_settings(ctx: Context, js_library_urls: list[str] | None) -> InstanceSettingsView:
    _require_instance_admin(ctx)
    if js_library_urls is not None:
        before = library_url_policy(ctx).saved
        after = save_library_urls(ctx, js_library_urls)
        record(ctx, "instance.settings_changed", "instance", None, "jsLibraryUrls",
               summary={"before": list(before), "after": list(after)})
    return _view(ctx)
