"""Every model of the store, imported once so the metadata (and Alembic) sees all tables.

It sits above every domain (it imports their tables), so it is not part of `lowcraft.store`."""

from lowcraft.admin.models import InstanceSetting
from lowcraft.appmodel.models import Action, Application, JsLibrary, JsLibraryCode, JsObject, Page
from lowcraft.appmodel.versions import AppVersion
from lowcraft.audit.models import AuditEvent
from lowcraft.datasources.models import Datasource, DatasourceConfig
from lowcraft.git.models import GitBranchState, GitConnection, GitObject, GitOperation
from lowcraft.identity.models import (
    ApiToken,
    InstanceSetting,
    LinkedIdentity,
    LoginSession,
    PasswordResetToken,
    RecoveryCode,
    SignInProvider,
    TwoFactor,
    User,
)
from lowcraft.scim.models import ScimGroup, ScimGroupMapping, ScimGroupMember, ScimRoleGrant, ScimToken, ScimUser
from lowcraft.store.base import Base
from lowcraft.triggers.models import ScheduleFire, WebhookDelivery, WorkflowSchedule, WorkflowWebhook
from lowcraft.workflows.models import WorkflowExecutor, WorkflowRequest, WorkflowRun, WorkflowStep
from lowcraft.workspaces.models import Invite, Membership, Workspace

__all__ = [
    "Action",
    "ApiToken",
    "AppVersion",
    "Application",
    "AuditEvent",
    "Base",
    "Datasource",
    "DatasourceConfig",
    "GitBranchState",
    "GitConnection",
    "GitObject",
    "GitOperation",
    "InstanceSetting",
    "Invite",
    "JsLibrary",
    "JsLibraryCode",
    "JsObject",
    "LinkedIdentity",
    "LoginSession",
    "Membership",
    "Page",
    "PasswordResetToken",
    "RecoveryCode",
    "ScimGroup",
    "ScimGroupMapping",
    "ScimGroupMember",
    "ScimRoleGrant",
    "ScimToken",
    "ScimUser",
    "SignInProvider",
    "TwoFactor",
    "User",
    "ScheduleFire",
    "WebhookDelivery",
    "WorkflowExecutor",
    "WorkflowRequest",
    "WorkflowRun",
    "WorkflowSchedule",
    "WorkflowStep",
    "WorkflowWebhook",
    "Workspace",
]
