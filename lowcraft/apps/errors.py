"""Errors of the applications domain."""

from lowcraft.errors import BadRequest, Conflict, NotFound


class ApplicationNotFound(NotFound):
    """No such application, or the caller may not see it."""

    code = "application_not_found"


class NotPublished(NotFound):
    """The application has never been published, so there is nothing to view."""

    code = "not_published"


class SlugTaken(Conflict):
    """Another application uses this slug."""

    code = "slug_taken"


class InvalidDocument(BadRequest):
    """An imported application document is not one Lowcraft can read."""

    code = "invalid_document"
