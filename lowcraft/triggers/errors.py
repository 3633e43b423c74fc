"""Errors of workflow triggers."""

from lowcraft.errors import Conflict, NotAuthenticated, PayloadTooLarge, ValidationFailed
from lowcraft.workflows.errors import WorkflowNotFound

__all__ = ["InvalidSchedule", "InvalidWebhookBody", "WebhookRefused", "WebhookReplayed", "WebhookTooLarge", "WorkflowNotFound"]


class InvalidSchedule(ValidationFailed):
    """The cron expression, time zone or missed-runs policy is not acceptable."""

    code = "invalid_schedule"


class WebhookRefused(NotAuthenticated):
    """No webhook with this token for this workflow (wrong, rotated or revoked token; or no such workflow)."""

    code = "webhook_refused"


class WebhookTooLarge(PayloadTooLarge):
    """The webhook's body is larger than `LOWCRAFT_WORKFLOW_WEBHOOK_MAX_KB`."""

    code = "webhook_too_large"


class WebhookReplayed(Conflict):
    """A call with this delivery id was accepted within the replay window."""

    code = "webhook_replayed"


class InvalidWebhookBody(ValidationFailed):
    """The webhook's body is not JSON."""

    code = "invalid_webhook_body"
