"""Errors of JS libraries: where a library may come from, fetching it, installing it."""

from lowcraft.errors import BadRequest, Conflict, NotFound, PayloadTooLarge, ValidationFailed


class LibraryUrlNotAllowed(ValidationFailed):
    """The URL is not below a prefix an instance administrator allowed (or not a plain http(s) URL)."""

    code = "library_url_not_allowed"


class LibraryFetchFailed(BadRequest):
    """The server could not fetch the library: refused address, no answer, an error status, not text."""

    code = "library_fetch_failed"


class LibraryTooLarge(PayloadTooLarge):
    """The library is larger than `LOWCRAFT_JS_LIBRARY_MAX_MB`."""

    code = "library_too_large"


class NotALibrary(ValidationFailed):
    """What the URL serves is not a script that defines a global (HTML, or no accessor found)."""

    code = "not_a_library"


class InvalidAccessor(ValidationFailed):
    """An accessor is not an identifier, or a name the runtime or the app already uses."""

    code = "invalid_accessor"


class LibraryExists(Conflict):
    """The application has a library of this name, or one defining the same global, already."""

    code = "library_exists"


class LibraryNotFound(NotFound):
    """No such library in the application (or no such code for the caller)."""

    code = "library_not_found"


class LibrariesUnavailable(Conflict):
    """A document replacing an app's edit state (a pull, merge, branch switch, restore) lists JS
    libraries whose code could not be had; nothing was changed."""

    code = "libraries_unavailable"
