"""Errors of the workflows domain."""

from lowcraft.errors import (
    BadRequest,
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
)


class WorkflowNotFound(NotFound):
    """No such workflow in this application (a JS object with an `executeWorkflow` function), or not visible to the caller."""

    code = "workflow_not_found"


class RunNotFound(NotFound):
    """No such run, or the caller may not see it."""

    code = "workflow_run_not_found"


class RequestNotFound(NotFound):
    """No such pending request, or the caller may not see it."""

    code = "workflow_request_not_found"


class InvalidRunInput(ValidationFailed):
    """The input of a run is not acceptable (too large, not JSON)."""

    code = "invalid_workflow_input"


class RunStateConflict(Conflict):
    """The run is not in a state that allows this (cancel a finished run, retry a run that did not fail)."""

    code = "workflow_run_state"


class RequestAlreadyResolved(Conflict):
    """Someone resolved the request first, or its run was cancelled."""

    code = "workflow_request_resolved"


class InvalidResolution(BadRequest):
    """The resolution is not one of the request's choices."""

    code = "invalid_resolution"


class NotAnAssignee(PermissionDenied):
    """Only the users and the members of the groups a request is assigned to may resolve it."""

    code = "not_an_assignee"


class EngineUnavailable(ServiceUnavailable):
    """The workflow engine could not start (its database is unreachable)."""

    code = "workflow_engine_unavailable"


__all__ = [
    "EngineUnavailable",
    "InvalidResolution",
    "InvalidRunInput",
    "NotAnAssignee",
    "RequestAlreadyResolved",
    "RequestNotFound",
    "RunNotFound",
    "RunStateConflict",
    "WorkflowNotFound",
]
