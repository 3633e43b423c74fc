"""Every model of the store, imported once so the metadata (and Alembic) sees all tables."""

from lowcraft.accounts.models import ApiToken, LoginSession, PasswordResetToken, User
from lowcraft.apps.models import Application
from lowcraft.audit.models import AuditEvent
from lowcraft.pages.models import Page
from lowcraft.store.base import Base
from lowcraft.workspaces.models import Invite, Membership, Workspace

__all__ = [
    "ApiToken",
    "Application",
    "AuditEvent",
    "Base",
    "Invite",
    "LoginSession",
    "Membership",
    "Page",
    "PasswordResetToken",
    "User",
    "Workspace",
]
