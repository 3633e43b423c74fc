"""Errors of the application model: a missing or unpublished application, a document or widget
tree that breaks the model's rules, a name already taken on its page."""

from lowcraft.errors import BadRequest, Conflict, NotFound, ValidationFailed


class ApplicationNotFound(NotFound):
    """No such application, or the caller may not see it."""

    code = "application_not_found"


class NotPublished(NotFound):
    """The application has never been published, so there is nothing to view."""

    code = "not_published"


class InvalidDocument(BadRequest):
    """An imported application document is not one Lowcraft can read."""

    code = "invalid_document"


class InvalidWidgetTree(ValidationFailed):
    """A saved widget tree breaks a rule (unknown type, outside its parent, bad name...)."""

    code = "invalid_widget_tree"


class DuplicateName(Conflict):
    """Another entity of the page already has this name (names are per page)."""

    code = "duplicate_name"


class InvalidAppTree(InvalidDocument):
    """An application's file tree (docs/app-format.md, "Repository layout") breaks a rule; the
    message starts with the path of the faulty file, also given as `path` (and `details.path`)."""

    code = "invalid_app_tree"

    def __init__(self, message: str, *, path: str):
        super().__init__(message, details={"path": path})
        self.path = path
