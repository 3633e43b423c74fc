"""Response models of workflow triggers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lowcraft.http.openapi import Out


class WebhookOut(Out):
    url: str = Field(description="Where callers POST: the workflow's webhook URL.")
    prefix: str = Field(description="The token's first characters, to tell tokens apart (never the token).")
    created_at: str = Field(alias="createdAt")
    last_used_at: str | None = Field(alias="lastUsedAt")


class WebhookTokenOut(WebhookOut):
    token: str = Field(description="The secret token, shown this once: send it as `Authorization: Bearer <token>`.")


class ScheduleOut(Out):
    cron: str
    timezone: str
    missed_runs: Literal["skip", "runOnce"] = Field(alias="missedRuns")
    enabled: bool
    next_fire_at: str | None = Field(alias="nextFireAt", description="The next fire time (UTC), if enabled.")
    last_fire_at: str | None = Field(alias="lastFireAt")


class TriggersOut(Out):
    workflow_id: str = Field(alias="workflowId")
    webhook: WebhookOut | None
    schedule: ScheduleOut | None


class WebhookAccepted(Out):
    run_id: str = Field(alias="runId", description="The run the call started.")

