"""JS libraries of an application: fetch (server side, once), install with the globals the editor's
engine found, uninstall, list, and serve the stored code to the editor and viewer.

Installing is two requests, because only a browser's engine can tell which globals a library
defines: `fetch_library` stores the code fetched from an allowed URL and returns its hash; the
editor loads that code into a throwaway sandboxed engine, compares the worker's globals before and
after, and `install_library` records the library with those accessors. Developers of the app only.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from lowcraft.admin.settings import LibraryUrlPolicy, library_url_policy
from lowcraft.appmodel.document_format import JsLibraryDoc
from lowcraft.appmodel.errors import ApplicationNotFound
from lowcraft.appmodel.models import Application, JsLibrary, JsLibraryCode
from lowcraft.appmodel.naming import name_problem
from lowcraft.audit.handler import record
from lowcraft.connectors.base import InstancePolicy
from lowcraft.context import Context
from lowcraft.errors import LowcraftError, NotAuthenticated, ValidationFailed
from lowcraft.jslibs import handler
from lowcraft.jslibs.errors import (
    InvalidAccessor,
    LibrariesUnavailable,
    LibraryExists,
    LibraryNotFound,
    LibraryUrlNotAllowed,
)
from lowcraft.jslibs.urls import name_and_version, not_allowed
from lowcraft.workspaces.models import Workspace
from lowcraft.workspaces.permissions import Role, require_app, require_workspace, workspace_role

if TYPE_CHECKING:
    from lowcraft.jslibs import fetch


@dataclass(frozen=True)
class LibrariesView:
    libraries: list[JsLibrary]
    allowed_prefixes: tuple[str, ...]
    max_bytes: int


@dataclass(frozen=True)
class FetchedView:
    url: str
    sha256: str
    size: int
    name: str
    version: str | None


def max_bytes(ctx: Context) -> int:
    return int(ctx.runtime.settings.js_library_max_mb * 1024 * 1024)


def list_libraries(ctx: Context, application_id: str) -> LibrariesView:
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    return LibrariesView(handler.libraries_of(ctx, app.id), library_url_policy(ctx).prefixes, max_bytes(ctx))


def _fetch_context(ctx: Context, workspace_id: str) -> tuple[LibraryUrlPolicy, InstancePolicy]:
    """The URL policy, and the network policy of the workspace (as its datasources have it)."""
    workspace = ctx.db.get(Workspace, workspace_id)
    private_networks = workspace.allow_private_networks if workspace else None
    return library_url_policy(ctx), ctx.runtime.workspace_policy(workspace_id, private_networks)


def _prepare_fetch(ctx: Context, application_id: str, url: str) -> tuple[Application, LibraryUrlPolicy, InstancePolicy]:
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    urls, network = _fetch_context(ctx, app.workspace_id)
    if not urls.allows(url):
        raise not_allowed(url)
    return app, urls, network


def _store_fetched(ctx: Context, app: Application, fetched: fetch.FetchedCode) -> FetchedView:
    handler.store_code(ctx, app.id, handler.CodeToStore(fetched.url, fetched.code, fetched.size, fetched.sha256))
    name, version = name_and_version(fetched.final_url)
    return FetchedView(fetched.url, fetched.sha256, fetched.size, name, version)


async def fetch_library(ctx: Context, application_id: str, url: str) -> FetchedView:
    """Fetch a library's code from an allowed URL and keep it for `install_library`."""
    url = url.strip()
    app, urls, network = await run_in_threadpool(_prepare_fetch, ctx, application_id, url)
    from lowcraft.jslibs.fetch import fetch_code  # httpx loads with the first fetch, not at start

    fetched = await fetch_code(url, urls.allows, network, max_bytes(ctx))
    return await run_in_threadpool(_store_fetched, ctx, app, fetched)


def _clean_accessor(
    ctx: Context, app: Application, name: str, accessor: list[str], others: list[JsLibrary]
) -> list[str]:
    if not accessor:
        raise InvalidAccessor(
            "The library defined no global name when it loaded, so bindings could not use it: "
            "install a UMD or browser build (one that sets a global such as `dayjs`).",
            details={"field": "accessor"},
        )
    entity_names = handler.app_entity_names(ctx, app.id)
    taken = {a: lib.name for lib in others for a in lib.accessor}
    for item in accessor:
        problem = name_problem(item)
        if problem:
            raise InvalidAccessor(f"The library's global {problem[0].lower()}{problem[1:]}", details={"field": "accessor"})
        if item in entity_names:
            raise InvalidAccessor(
                f"The library defines '{item}', which is the name of a widget, query or JS object of this app; "
                "rename that first.",
                details={"field": "accessor"},
            )
        if item in taken:
            raise LibraryExists(f"The library '{taken[item]}' defines '{item}' already.")
    return list(dict.fromkeys(accessor))


def install_library(
    ctx: Context, application_id: str, *, url: str, sha256: str, accessor: list[str],
    name: str | None = None, version: str | None = None,
) -> JsLibrary:
    """Record a fetched library with the globals the editor's engine found it defines."""
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    url = url.strip()
    if not library_url_policy(ctx).allows(url):
        raise not_allowed(url)
    code = handler.code_of(ctx, app.id, sha256)
    if code is None or code.url != url:
        raise LibraryNotFound("Fetch the library first (its code is not in this app, or came from another URL).")
    guessed_name, guessed_version = name_and_version(url)
    name = (name or guessed_name).strip()
    if not name or len(name) > 100:
        raise ValidationFailed("A library needs a name of at most 100 characters.", details={"field": "name"})
    others = handler.libraries_of(ctx, app.id)
    if any(lib.name == name for lib in others):
        raise LibraryExists(f"This app has a library named '{name}' already; uninstall it first to change it.")
    cleaned = _clean_accessor(ctx, app, name, accessor, others)
    library = handler.add_library(
        ctx, app.id, name=name, url=url, version=version or guessed_version, accessor=cleaned, sha256=sha256
    )
    record(ctx, "application.library_installed", "application", app.id, app.name, workspace_id=app.workspace_id,
           summary={"name": name, "url": url, "sha256": sha256, "accessor": cleaned})
    return library


def uninstall_library(ctx: Context, application_id: str, name: str) -> None:
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    library = ctx.db.scalar(select(JsLibrary).where(JsLibrary.application_id == app.id, JsLibrary.name == name))
    if library is None:
        raise LibraryNotFound(f"This app has no library named '{name}'.")
    ctx.db.delete(library)
    ctx.db.flush()
    handler.prune_code(ctx, app.id, app.published)
    record(ctx, "application.library_uninstalled", "application", app.id, app.name, workspace_id=app.workspace_id,
           summary={"name": name, "url": library.url})


def library_code(ctx: Context, application_id: str, sha256: str) -> JsLibraryCode:
    """A library's code for the engine: Developers get any code of the app; whoever may view the
    published app (anyone, for a public one) gets the code the published document loads."""
    app = ctx.db.get(Application, application_id)
    if app is None or app.deleted_at is not None:
        raise ApplicationNotFound("Application not found.")
    role = workspace_role(ctx, app.workspace_id)
    if role is None and not app.is_public:
        if ctx.user is None:
            raise NotAuthenticated("Log in to open this application.")
        raise ApplicationNotFound("Application not found.")
    code = handler.code_of(ctx, app.id, sha256)
    developer = role is not None and role.allows(Role.DEVELOPER)
    if code is None or (not developer and sha256 not in handler.published_hashes(app.published)):
        raise LibraryNotFound("No such library code in this application.")
    return code


# --- libraries arriving with a document (import, clone) ---------------------------------------


@dataclass(frozen=True)
class LibraryOutcome:
    """What became of one library of an imported document."""

    name: str
    url: str
    installed: bool
    problem: str | None = None


@dataclass(frozen=True)
class DocumentLibraries:
    """Libraries of a document with their code where it could be had, and why not elsewhere."""

    codes: dict[str, handler.CodeToStore]
    """Code by library name."""
    problems: dict[str, str]
    """Why a library's code could not be had, by library name."""


def workspace_fetch_context(ctx: Context, workspace_id: str) -> tuple[LibraryUrlPolicy, InstancePolicy]:
    """`_fetch_context` for an import into a workspace (Developers of it)."""
    require_workspace(ctx, workspace_id, Role.DEVELOPER)
    return _fetch_context(ctx, workspace_id)


async def fetch_document_libraries(ctx: Context, workspace_id: str, libraries: list[JsLibraryDoc]) -> DocumentLibraries:
    """Fetch each library of an imported document from its URL, where the instance allows it.
    A library whose code changed since the export (`sha256`) is not taken."""
    if not libraries:
        return DocumentLibraries({}, {})
    urls, network = await run_in_threadpool(workspace_fetch_context, ctx, workspace_id)
    return await _fetch_all(libraries, urls, network, max_bytes(ctx))


async def _fetch_all(
    libraries: list[JsLibraryDoc], urls: LibraryUrlPolicy, network: InstancePolicy, limit: int
) -> DocumentLibraries:
    from lowcraft.jslibs.fetch import fetch_code  # httpx loads with the first fetch, not at start

    codes: dict[str, handler.CodeToStore] = {}
    problems: dict[str, str] = {}
    for library in libraries:
        try:
            fetched = await fetch_code(library.url, urls.allows, network, limit)
        except LibraryUrlNotAllowed:
            problems[library.name] = (
                "Its URL is not allowed on this instance; an instance administrator may allow it "
                "(Admin, JS libraries), then install it again from the Libraries section."
            )
            continue
        except LowcraftError as error:  # fetch failed, too large, not a library: a report line each
            problems[library.name] = error.message
            continue
        if library.sha256 and fetched.sha256 != library.sha256:
            problems[library.name] = "The code at its URL changed since the export (another sha256); install it again to accept the new code."
            continue
        codes[library.name] = handler.CodeToStore(library.url, fetched.code, fetched.size, fetched.sha256)
    return DocumentLibraries(codes, problems)


def codes_of_app(ctx: Context, application_id: str) -> DocumentLibraries:
    """The code of every library of an app, for a clone (nothing fetched again)."""
    codes = {}
    for library in handler.libraries_of(ctx, application_id):
        code = handler.code_of(ctx, application_id, library.sha256)
        if code is not None:
            codes[library.name] = handler.CodeToStore(library.url, code.code, code.size, code.sha256)
    return DocumentLibraries(codes, {})


def install_document_libraries(
    ctx: Context, app: Application, libraries: list[JsLibraryDoc], available: DocumentLibraries | None
) -> list[LibraryOutcome]:
    """Install a new app's libraries from its document (the caller created the app and checked
    the role). Without code for a library, it is reported and not installed: a binding using it
    then shows an unknown-name error the developer can fix by installing it."""
    return [
        _install(ctx, app, library, available.codes.get(library.name) if available else None, available)
        for library in libraries
    ]


def _install(
    ctx: Context, app: Application, library: JsLibraryDoc, code: handler.CodeToStore | None,
    available: DocumentLibraries | None,
) -> LibraryOutcome:
    """Install one library of a document with `code`; without code it is reported (with the
    fetch's problem where there was one) and not installed."""
    if code is None:
        problem = (available.problems.get(library.name) if available else None) or "Its code was not fetched."
        return LibraryOutcome(library.name, library.url, False, problem)
    handler.store_code(ctx, app.id, code)
    handler.add_library(
        ctx, app.id, name=library.name, url=library.url, version=library.version,
        accessor=list(library.accessor), sha256=code.sha256,
    )
    return LibraryOutcome(library.name, library.url, True)


def outcome_out(outcome: LibraryOutcome) -> dict[str, Any]:
    return {"name": outcome.name, "url": outcome.url, "installed": outcome.installed, "problem": outcome.problem}


# --- libraries following a document that replaces an edit state (Git, version restore) ----------


@dataclass(frozen=True)
class LibrariesSynced:
    """What a document replacing an app's edit state did to its libraries."""

    installed: list[LibraryOutcome]
    """Each library the document added or changed: installed, or why not."""
    removed: list[str]
    """The names of the libraries the document no longer has, uninstalled."""


def _same(library: JsLibrary, wanted: JsLibraryDoc) -> bool:
    return (library.url, library.version, list(library.accessor)) == (wanted.url, wanted.version, list(wanted.accessor)) \
        and wanted.sha256 in (None, library.sha256)


def _stored_code(ctx: Context, application_id: str, wanted: JsLibraryDoc) -> handler.CodeToStore | None:
    code = handler.code_of(ctx, application_id, wanted.sha256) if wanted.sha256 else None
    if code is None or code.url != wanted.url:
        return None
    return handler.CodeToStore(code.url, code.code, code.size, code.sha256)


def codes_to_sync(ctx: Context, app: Application, libraries: list[JsLibraryDoc]) -> DocumentLibraries:
    """The code `sync_libraries` needs that the app has not stored: each such library fetched
    from its URL (where the instance allows it), as an import does; the caller checked the role.
    Raises `LibrariesUnavailable`, naming each library and why, when some code cannot be had: the
    caller then changes nothing, so the app never runs without a library its tree lists (and the
    edit state never drifts from the tree it was loaded from). Runs the fetches in an event loop
    of its own: call it from a worker thread, never inside a running loop."""
    installed = {lib.name: lib for lib in handler.libraries_of(ctx, app.id)}
    missing = [
        wanted for wanted in libraries
        if not (wanted.name in installed and _same(installed[wanted.name], wanted)) and _stored_code(ctx, app.id, wanted) is None
    ]
    if not missing:
        return DocumentLibraries({}, {})
    urls, network = _fetch_context(ctx, app.workspace_id)
    fetched = asyncio.run(_fetch_all(missing, urls, network, max_bytes(ctx)))
    if fetched.problems:
        lines = [f"'{name}': {problem}" for name, problem in sorted(fetched.problems.items())]
        raise LibrariesUnavailable(
            "The application lists JS libraries that could not be installed, so nothing was changed: "
            + " ".join(lines),
            details={"libraries": [{"name": name, "problem": problem} for name, problem in sorted(fetched.problems.items())]},
        )
    return fetched


def sync_libraries(
    ctx: Context, app: Application, libraries: list[JsLibraryDoc], available: DocumentLibraries | None
) -> LibrariesSynced:
    """Make the app's installed libraries the document's `libraries`: those it lacks are
    uninstalled, those it adds (or changes: another URL, version, globals or code) are installed
    with code from `available` or stored in the app already. Without code a library is reported
    and not installed, as on import. The caller checked the role and validated the document."""
    installed = {lib.name: lib for lib in handler.libraries_of(ctx, app.id)}
    wanted = {lib.name: lib for lib in libraries}
    removed = []
    for name, library in installed.items():
        if name not in wanted or not _same(library, wanted[name]):
            ctx.db.delete(library)
            if name not in wanted:
                removed.append(name)
    ctx.db.flush()
    outcomes: list[LibraryOutcome] = []
    for library_doc in libraries:
        current = installed.get(library_doc.name)
        if current is not None and _same(current, library_doc):
            continue
        code = (available.codes.get(library_doc.name) if available else None) or _stored_code(ctx, app.id, library_doc)
        outcomes.append(_install(ctx, app, library_doc, code, available))
    if removed or outcomes:
        handler.prune_code(ctx, app.id, app.published)
        record(ctx, "application.libraries_synced", "application", app.id, app.name, workspace_id=app.workspace_id,
               summary={"installed": [o.name for o in outcomes if o.installed],
                        "notInstalled": [o.name for o in outcomes if not o.installed], "removed": removed})
    return LibrariesSynced(outcomes, removed)
