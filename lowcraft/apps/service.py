"""Applications: create, list, change, trash, clone, publish, export, import and view.

Developers and administrators work on the edit state; App Viewers (and anonymous visitors of
public apps) only ever read the published snapshot.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, event, or_, select
from starlette.concurrency import run_in_threadpool

from lowcraft import bindings
from lowcraft.appmodel import versions
from lowcraft.appmodel.document_format import AppDocument, AppSettingsDoc, parse_document
from lowcraft.appmodel.models import Action, Application, JsObject, Page
from lowcraft.appmodel.rename import rename_in_document
from lowcraft.appmodel.tree import empty_tree, iter_widgets, validate_tree
from lowcraft.apps import handler
from lowcraft.apps.errors import ApplicationNotFound, InvalidDocument, NotPublished, SlugTaken
from lowcraft.audit.handler import record
from lowcraft.bindings.results import Change
from lowcraft.connectors.registry import PLACEHOLDER_CONNECTOR
from lowcraft.connectors.secrets import shareable_config
from lowcraft.context import Context
from lowcraft.datasources.handler import SHARED_ENVIRONMENT, shared_settings
from lowcraft.datasources.models import Datasource
from lowcraft.datasources.service import configure_from_shared, connector_for, has_secrets
from lowcraft.errors import LowcraftError, NotAuthenticated, PermissionDenied, ValidationFailed
from lowcraft.jslibs import handler as jslibs_handler
from lowcraft.jslibs import service as jslibs
from lowcraft.jslibs.service import DocumentLibraries, LibrariesSynced, LibraryOutcome
from lowcraft.slugs import slugify, unique_slug
from lowcraft.store.types import new_id, utcnow
from lowcraft.widgets.registry import registry
from lowcraft.workspaces.permissions import Role, require_app, require_user, require_workspace, workspace_role

THEME_KEYS = frozenset({"primaryColor", "backgroundColor", "fontFamily", "borderRadius", "boxShadow"})


@dataclass
class AppView:
    app: Application
    role: Role | None


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailed("An application needs a name.", details={"field": "name"})
    if len(name) > 100:
        raise ValidationFailed("Application names may have at most 100 characters.", details={"field": "name"})
    return name


def _taken_slugs(ctx: Context) -> set[str]:
    return set(ctx.db.scalars(select(Application.slug)).all())


def _new_slug(ctx: Context, name: str, wanted: str | None = None) -> str:
    return unique_slug(slugify(wanted or name, "app"), _taken_slugs(ctx))


def _load(ctx: Context, application_id: str, *, deleted: bool = False) -> Application:
    app = ctx.db.get(Application, application_id)
    if app is None or (app.deleted_at is not None) != deleted:
        raise ApplicationNotFound("Application not found.")
    return app


def _app_view(ctx: Context, application_id: str, minimum: Role) -> AppView:
    return AppView(*require_app(ctx, application_id, minimum))


def _theme(theme: dict[str, Any]) -> dict[str, Any]:
    unknown = set(theme) - THEME_KEYS
    if unknown:
        raise ValidationFailed(
            f"Unknown theme keys: {', '.join(sorted(unknown))}.", details={"field": "theme"}
        )
    for key, value in theme.items():
        if not isinstance(value, str) or len(value) > 200:
            raise ValidationFailed(f"Theme value {key} must be a short string.", details={"field": "theme"})
    return theme


def list_applications(ctx: Context, workspace_id: str) -> list[AppView]:
    _, role = require_workspace(ctx, workspace_id, Role.VIEWER)
    query = select(Application).where(Application.workspace_id == workspace_id, Application.deleted_at.is_(None))
    if not role.allows(Role.DEVELOPER):
        query = query.where(Application.published.is_not(None))
    return [AppView(a, role) for a in ctx.db.scalars(query.order_by(Application.name)).all()]


def create_application(ctx: Context, workspace_id: str, name: str) -> AppView:
    _, role = require_workspace(ctx, workspace_id, Role.DEVELOPER)
    user = require_user(ctx)
    name = _clean_name(name)
    app = Application(
        workspace_id=workspace_id, name=name, slug=_new_slug(ctx, name), theme={}, settings={},
        created_by=user.id,
    )
    ctx.db.add(app)
    ctx.db.flush()
    ctx.db.add(Page(application_id=app.id, name="Page1", slug="page1", position=0, is_default=True, dsl=empty_tree()))
    record(ctx, "application.created", "application", app.id, app.name, workspace_id=workspace_id)
    return AppView(app, role)


def get_application(ctx: Context, application_id: str) -> tuple[AppView, list[Page]]:
    """The application and its pages in order, for the editor."""
    view = _app_view(ctx, application_id, Role.DEVELOPER)
    return view, handler.pages_of(ctx, application_id)


def update_application(ctx: Context, application_id: str, changes: dict[str, Any]) -> AppView:
    view = _app_view(ctx, application_id, Role.DEVELOPER)
    app = view.app
    summary: dict[str, Any] = {}
    if "name" in changes:
        app.name = _clean_name(changes["name"])
        summary["name"] = app.name
    if "slug" in changes:
        slug = slugify(changes["slug"], "")
        if not slug:
            raise ValidationFailed("A slug needs letters or digits.", details={"field": "slug"})
        if slug != app.slug and slug in _taken_slugs(ctx):
            raise SlugTaken(f"The address '{slug}' is used by another application.")
        app.slug = slug
        summary["slug"] = slug
    if "icon" in changes:
        app.icon = str(changes["icon"])[:40]
        summary["icon"] = app.icon
    if "theme" in changes:
        app.theme = _theme(changes["theme"])
        summary["theme"] = app.theme
    if "settings" in changes:
        merged = {**(app.settings or {}), **changes["settings"]}
        app.settings = AppSettingsDoc.model_validate(merged).model_dump(by_alias=True, exclude={"public_access"})
        summary["settings"] = changes["settings"]
    if "isPublic" in changes:
        if not view.role or not view.role.allows(Role.ADMINISTRATOR):
            raise PermissionDenied("Only workspace administrators may make an application public.")
        app.is_public = bool(changes["isPublic"])
        summary["isPublic"] = app.is_public
    app.updated_at = utcnow()
    record(ctx, "application.updated", "application", app.id, app.name, workspace_id=app.workspace_id, summary=summary)
    return view


def delete_application(ctx: Context, application_id: str) -> None:
    view = _app_view(ctx, application_id, Role.DEVELOPER)
    view.app.deleted_at = utcnow()
    record(ctx, "application.trashed", "application", view.app.id, view.app.name, workspace_id=view.app.workspace_id)


def list_trash(ctx: Context, workspace_id: str) -> list[Application]:
    require_workspace(ctx, workspace_id, Role.DEVELOPER)
    return list(
        ctx.db.scalars(
            select(Application)
            .where(Application.workspace_id == workspace_id, Application.deleted_at.is_not(None))
            .order_by(Application.deleted_at.desc())
        ).all()
    )


def restore_application(ctx: Context, application_id: str) -> AppView:
    app = _load(ctx, application_id, deleted=True)
    _, role = require_workspace(ctx, app.workspace_id, Role.DEVELOPER)
    app.deleted_at = None
    record(ctx, "application.restored", "application", app.id, app.name, workspace_id=app.workspace_id)
    return AppView(app, role)


def purge_trash(ctx: Context) -> int:
    """Delete for good what has been in the trash longer than the retention period."""
    cutoff = utcnow() - timedelta(days=ctx.runtime.settings.trash_retention_days)
    doomed = ctx.db.scalars(
        select(Application).where(Application.deleted_at.is_not(None), Application.deleted_at < cutoff)
    ).all()
    for app in doomed:
        record(ctx, "application.purged", "application", app.id, app.name)
        for model in (Action, JsObject, Page):
            ctx.db.execute(delete(model).where(model.application_id == app.id))
        ctx.db.delete(app)
    return len(doomed)


def create_from_document(
    ctx: Context, workspace_id: str, doc: AppDocument, name: str, libraries: DocumentLibraries | None = None,
    datasources: dict[str, Datasource] | None = None,
) -> tuple[Application, list[LibraryOutcome]]:
    """Store a checked document as a new application; the caller has checked the workspace role.

    `libraries` holds the code of the document's JS libraries where the caller has it (fetched,
    or an app's own when cloning). `datasources` maps the document's datasource names to
    workspace datasources (the Appsmith import resolves its own); by default they are found by
    name or created unconfigured. Placeholders of widget types Lowcraft has gained since they were
    made are upgraded here, so importing (or cloning) an app again brings such widgets back whole.
    """
    user = require_user(ctx)
    settings = doc.application.settings
    app = Application(
        workspace_id=workspace_id,
        name=_clean_name(name),
        slug=_new_slug(ctx, name, doc.application.slug),
        icon=doc.application.icon[:40],
        theme=_theme(dict(doc.application.theme)),
        settings=settings.model_dump(by_alias=True, exclude={"public_access"}),
        is_public=False,  # public access is never imported: an operator grants it deliberately
        created_by=user.id,
    )
    ctx.db.add(app)
    ctx.db.flush()
    has_default = any(p.is_default for p in doc.pages)
    taken: set[str] = set()
    if datasources is None:
        datasources = datasources_for(ctx, workspace_id, doc)
    for position, page_doc in enumerate(doc.pages):
        slug = unique_slug(slugify(page_doc.slug or page_doc.name, "page"), taken)
        taken.add(slug)
        page = Page(
            application_id=app.id, name=page_doc.name, slug=slug, position=position,
            is_default=page_doc.is_default if has_default else position == 0,
            hidden=page_doc.hidden, dsl=_upgraded(copy.deepcopy(page_doc.dsl), page_doc.name),
        )
        ctx.db.add(page)
        ctx.db.flush()
        for action in page_doc.actions:
            ctx.db.add(Action(
                application_id=app.id, page_id=page.id, name=action.name,
                datasource_id=datasources[action.datasource].id, connector=action.connector,
                config=copy.deepcopy(action.config), settings=action.settings.as_json(),
            ))
        for js in page_doc.js_objects:
            functions = {name: value.as_json() for name, value in js.settings.items()}
            ctx.db.add(JsObject(application_id=app.id, page_id=page.id, name=js.name, body=js.body, settings=functions))
    ctx.db.flush()
    outcomes = jslibs.install_document_libraries(ctx, app, doc.application.js_libraries, libraries)
    return app, outcomes


@dataclass(frozen=True)
class EditStateReport:
    """What replacing an edit state did beyond the pages: datasources it created or found set up
    otherwise than the document records, and the JS libraries it installed and removed."""

    datasources: list[DatasourceOutcome]
    libraries: LibrariesSynced


def replace_edit_state(
    ctx: Context, app: Application, doc: AppDocument, libraries: DocumentLibraries | None = None
) -> EditStateReport:
    """Make `app`'s edit state the checked document `doc`, in the caller's transaction; the caller
    has checked the role (Git pulls, merges and branch switches; restoring a version).

    A page is matched by id when the document names one of this app's pages, else by name, and
    actions and JS objects by page and name, so what the document keeps keeps its id (the editor's
    open page, an action's cached plan, a stale editor's revision check); what it lacks is deleted
    and what is new is created, under the id the document gives when no row holds it (an entity
    deleted since comes back as it was). The app's name and address stay; its icon, theme and
    settings follow the document. Its datasources are bound by name (`bind_datasources`), and its
    JS libraries follow the document's (`jslibs.sync_libraries`, with the code in `libraries`
    or stored in the app).
    """
    settings = doc.application.settings
    app.icon = doc.application.icon[:40]
    app.theme = _theme(dict(doc.application.theme))
    app.settings = settings.model_dump(by_alias=True, exclude={"public_access"})
    datasources, datasource_outcomes = bind_datasources(ctx, app.workspace_id, doc)
    existing = handler.pages_of(ctx, app.id)
    by_id = {p.id: p for p in existing}
    by_name = {p.name: p for p in existing}
    matched: dict[int, Page] = {}
    for index, page_doc in enumerate(doc.pages):
        found = by_id.get(page_doc.id or "") or by_name.get(page_doc.name)
        if found is not None and found not in matched.values():
            matched[index] = found
    actions = {(a.page_id, a.name): a for a in ctx.db.scalars(select(Action).where(Action.application_id == app.id)).all()}
    js_objects = {(j.page_id, j.name): j for j in ctx.db.scalars(select(JsObject).where(JsObject.application_id == app.id)).all()}
    kept_pages = {page.id for page in matched.values()}
    for page in existing:
        if page.id not in kept_pages:
            for model in (Action, JsObject):
                ctx.db.execute(delete(model).where(model.page_id == page.id))
            ctx.db.delete(page)
        else:
            page.slug = f"~{page.id}"[:120]  # out of the way while slugs move between pages
    ctx.db.flush()
    has_default = any(p.is_default for p in doc.pages)
    taken: set[str] = set()
    for position, page_doc in enumerate(doc.pages):
        slug = unique_slug(slugify(page_doc.slug or page_doc.name, "page"), taken)
        taken.add(slug)
        dsl = _upgraded(copy.deepcopy(page_doc.dsl), page_doc.name)
        is_default = page_doc.is_default if has_default else position == 0
        found = matched.get(position)
        if found is None:
            page = Page(id=_free_id(ctx, Page, page_doc.id), application_id=app.id, name=page_doc.name, slug=slug,
                        position=position, is_default=is_default, hidden=page_doc.hidden, dsl=dsl)
            ctx.db.add(page)
            ctx.db.flush()
        else:
            page = found
            page.name, page.slug, page.position = page_doc.name, slug, position
            page.is_default, page.hidden = is_default, page_doc.hidden
            if page.dsl != dsl:
                page.dsl = dsl
        kept_actions = set()
        for action_doc in page_doc.actions:
            kept_actions.add(action_doc.name)
            values = {"datasource_id": datasources[action_doc.datasource].id, "connector": action_doc.connector,
                      "config": copy.deepcopy(action_doc.config), "settings": action_doc.settings.as_json()}
            action = actions.get((page.id, action_doc.name))
            if action is None:
                ctx.db.add(Action(id=_free_id(ctx, Action, action_doc.id), application_id=app.id, page_id=page.id,
                                  name=action_doc.name, **values))
            else:
                for field, value in values.items():
                    if getattr(action, field) != value:
                        setattr(action, field, value)
        kept_js = set()
        for js_doc in page_doc.js_objects:
            kept_js.add(js_doc.name)
            functions = {name: value.as_json() for name, value in js_doc.settings.items()}
            js = js_objects.get((page.id, js_doc.name))
            if js is None:
                ctx.db.add(JsObject(id=_free_id(ctx, JsObject, js_doc.id), application_id=app.id, page_id=page.id,
                                    name=js_doc.name, body=js_doc.body, settings=functions))
            else:
                if js.body != js_doc.body:
                    js.body = js_doc.body
                if js.settings != functions:
                    js.settings = functions
        for (page_id, name), action in actions.items():
            if page_id == page.id and name not in kept_actions:
                ctx.db.delete(action)
        for (page_id, name), js in js_objects.items():
            if page_id == page.id and name not in kept_js:
                ctx.db.delete(js)
    synced = jslibs.sync_libraries(ctx, app, doc.application.js_libraries, libraries)
    app.updated_at = utcnow()
    ctx.db.flush()
    ctx.notify_edit(app.id, "import")  # open editors take the whole new edit state
    return EditStateReport(datasource_outcomes, synced)


def _free_id(ctx: Context, model: type[Page | Action | JsObject], wanted: str | None) -> str:
    """`wanted` when no row holds it (an entity of this app deleted since), else a new id."""
    if wanted and ctx.db.get(model, wanted) is None:
        return wanted
    return new_id()


def _upgraded(dsl: dict[str, Any], page: str) -> dict[str, Any]:
    """The tree with each placeholder whose original type Lowcraft now has turned into that widget."""
    # The Appsmith converter loads with the first document that carries pages, not at start-up.
    from lowcraft.appsmith import PLACEHOLDER_TYPE, ImportReport, upgrade_placeholders

    if not any(
        w.get("type") == PLACEHOLDER_TYPE and w.get("originalType") in registry.types() for w in iter_widgets(dsl)
    ):
        return dsl
    upgraded = upgrade_placeholders(dsl, page, ImportReport(app=""))
    try:
        return validate_tree(upgraded)
    except LowcraftError:  # the type's rules changed beyond what the placeholder can fill: keep it
        return dsl


@dataclass(frozen=True)
class DatasourceOutcome:
    """What became of one datasource an imported or pulled document names, when it is worth
    telling: created here (with the settings the document records, or unconfigured), or found in
    the workspace set up otherwise than the document records (the workspace's stays as it is)."""

    name: str
    connector: str
    created: bool
    message: str


def datasources_for(ctx: Context, workspace_id: str, doc: AppDocument) -> dict[str, Datasource]:
    """`bind_datasources` without the outcomes."""
    return bind_datasources(ctx, workspace_id, doc)[0]


def bind_datasources(
    ctx: Context, workspace_id: str, doc: AppDocument
) -> tuple[dict[str, Datasource], list[DatasourceOutcome]]:
    """The workspace's datasources the document names, by name. A missing one is created, with
    the non-secret settings the document records as its production config (never a secret: a
    developer adds the credentials), else unconfigured. An existing one is used as it is: settings
    the document records never overwrite a live datasource; where they differ, an outcome names
    the settings (not their values)."""
    wanted: dict[str, str] = {ref.name: ref.connector for ref in doc.datasources}
    recorded = {ref.name: ref.settings for ref in doc.datasources}
    for page in doc.pages:
        for action in page.actions:
            known = wanted.setdefault(action.datasource, action.connector)
            if known != action.connector:
                raise InvalidDocument(f"Datasource '{action.datasource}' is used as {known} and as {action.connector}.")
    existing = {
        ds.name: ds for ds in ctx.db.scalars(select(Datasource).where(Datasource.workspace_id == workspace_id)).all()
    }
    found: dict[str, Datasource] = {}
    outcomes: list[DatasourceOutcome] = []
    for name, connector in wanted.items():
        if connector != PLACEHOLDER_CONNECTOR:
            connector_for(connector)
        settings = recorded.get(name) or {}
        if settings and connector != PLACEHOLDER_CONNECTOR:
            settings = shareable_config(connector, settings)  # a secret written into the file is ignored
        ds = existing.get(name)
        if ds is None:
            ds = Datasource(workspace_id=workspace_id, name=name[:100], connector=connector,
                            created_by=ctx.user.id if ctx.user else None)
            ctx.db.add(ds)
            ctx.db.flush()
            problem = configure_from_shared(ctx, ds, settings) if settings and connector != PLACEHOLDER_CONNECTOR else None
            configured = bool(settings) and connector != PLACEHOLDER_CONNECTOR and problem is None
            record(ctx, "datasource.created", "datasource", ds.id, ds.name, workspace_id=workspace_id,
                   summary={"connector": connector, "by": "import",
                            "environments": [SHARED_ENVIRONMENT] if configured else []})
            if configured:
                message = f"Created with the {SHARED_ENVIRONMENT} settings the app records" + (
                    ": add its credentials." if has_secrets(connector) else ".")
            elif problem:
                message = f"Created unconfigured, {problem}: add its settings and credentials."
            else:
                message = "Created unconfigured: add its settings and credentials."
            outcomes.append(DatasourceOutcome(name, connector, True, message))
        elif ds.connector != connector:
            raise InvalidDocument(f"The workspace's datasource '{name}' is {ds.connector}, the import needs {connector}.")
        elif settings:
            live = shared_settings(ctx, ds)
            differing = sorted(key for key, value in settings.items() if live.get(key) != value)
            if differing:
                outcomes.append(DatasourceOutcome(name, connector, False, (
                    "The workspace's datasource keeps its own settings; the app records other values for "
                    + ", ".join(differing[:20]) + ".")))
        found[name] = ds
    return found, outcomes


def clone_application(ctx: Context, application_id: str) -> AppView:
    view = _app_view(ctx, application_id, Role.DEVELOPER)
    doc = parse_document(handler.build_document(ctx, view.app))
    clone, _ = create_from_document(
        ctx, view.app.workspace_id, doc, f"{view.app.name} (copy)"[:100], jslibs.codes_of_app(ctx, view.app.id)
    )
    record(
        ctx, "application.cloned", "application", clone.id, clone.name,
        workspace_id=clone.workspace_id, summary={"from": view.app.id},
    )
    return AppView(clone, view.role)


def export_application(ctx: Context, application_id: str) -> dict[str, Any]:
    view = _app_view(ctx, application_id, Role.DEVELOPER)
    record(ctx, "application.exported", "application", view.app.id, view.app.name, workspace_id=view.app.workspace_id)
    return handler.build_document(ctx, view.app, datasource_settings=True)


@dataclass
class ImportedApp:
    view: AppView
    libraries: list[LibraryOutcome]
    """What became of each JS library of the document (installed, or why not)."""
    datasources: list[DatasourceOutcome] = dataclasses.field(default_factory=list)
    """Datasources the import created, or found set up otherwise than the document records."""


def datasource_out(outcome: DatasourceOutcome) -> dict[str, Any]:
    return {"name": outcome.name, "connector": outcome.connector, "created": outcome.created,
            "message": outcome.message}


def import_application(
    ctx: Context, workspace_id: str, raw: Any, name: str | None = None, libraries: DocumentLibraries | None = None
) -> ImportedApp:
    """Create an application from a document. Its JS libraries are installed from `libraries`
    (fetched by `import_with_libraries`); without it, each is reported as not installed."""
    _, role = require_workspace(ctx, workspace_id, Role.DEVELOPER)
    doc = parse_document(raw)
    datasources, bound = bind_datasources(ctx, workspace_id, doc)
    app, outcomes = create_from_document(ctx, workspace_id, doc, name or doc.application.name, libraries, datasources)
    record(
        ctx, "application.imported", "application", app.id, app.name, workspace_id=workspace_id,
        summary={"pages": len(doc.pages), "jsLibraries": [o.name for o in outcomes if o.installed]},
    )
    return ImportedApp(AppView(app, role), outcomes, bound)


def _import_document(ctx: Context, workspace_id: str, raw: Any) -> AppDocument:
    require_workspace(ctx, workspace_id, Role.DEVELOPER)
    return parse_document(raw)


async def import_with_libraries(ctx: Context, workspace_id: str, raw: Any, name: str | None = None) -> ImportedApp:
    """`import_application`, fetching the document's JS libraries again from their URLs first
    (where the instance allows them; the others are reported)."""
    doc = await run_in_threadpool(_import_document, ctx, workspace_id, raw)
    libraries = await jslibs.fetch_document_libraries(ctx, workspace_id, doc.application.js_libraries)
    return await run_in_threadpool(import_application, ctx, workspace_id, raw, name, libraries)


PublishSource = Callable[[Context, Application], dict[str, Any] | None]
publish_sources: list[PublishSource] = []
"""Where a publish may take its document from instead of the edit state (Git sync: the published
branch's kept edit state, when another branch is being edited). Registered by the layers above."""
after_publish: list[Callable[[Context, str], None]] = []
"""Run once a publish has committed (Git sync: auto-commit on publish), with the application id."""


def publish_application(ctx: Context, application_id: str, message: str | None = None) -> AppView:
    """Snapshot the edit state (or what a publish source gives) as the published document, in the
    caller's one transaction, and keep it as the application's next version (with the optional
    `message`), pruning versions past the retention (never the published one)."""
    view = _app_view(ctx, application_id, Role.DEVELOPER)
    user = require_user(ctx)
    message = (message or "").strip() or None
    if message is not None and len(message) > versions.MAX_MESSAGE:
        raise ValidationFailed(
            f"A version message may have at most {versions.MAX_MESSAGE} characters.", details={"field": "message"}
        )
    document = next((d for d in (source(ctx, view.app) for source in publish_sources) if d is not None), None)
    view.app.published = document if document is not None else handler.build_document(ctx, view.app, include_ids=True)
    for hook in after_publish:
        event.listen(ctx.db, "after_commit", _after_commit(hook, ctx, view.app.id), once=True)
    view.app.published_at = utcnow()
    ctx.db.flush()  # the application row is locked before the version number is read
    version = versions.record_version(
        ctx.db, view.app, versions.VersionKind.PUBLISH, view.app.published,
        author_id=user.id, author_email=user.email, author_name=user.name, message=message,
    )
    settings = ctx.runtime.settings
    versions.prune_versions(
        ctx.db, view.app.id, keep=settings.version_retention, days=settings.version_retention_days
    )
    jslibs_handler.prune_code(ctx, view.app.id, view.app.published)
    record(
        ctx, "application.published", "application", view.app.id, view.app.name, workspace_id=view.app.workspace_id,
        summary={"version": version.number, **({"message": message} if message else {})},
    )
    ctx.runtime.notices.after_commit(ctx.db, {
        "kind": "published", "applicationId": view.app.id,
        "publishedAt": view.app.published_at.isoformat().replace("+00:00", "Z"),
    })
    return view


def _after_commit(hook: Callable[[Context, str], None], ctx: Context, application_id: str) -> Callable[[Any], None]:
    def run(_session: Any) -> None:
        hook(ctx, application_id)

    return run


def frame_ancestors(ctx: Context, key: str) -> list[str]:
    """Who may show the published app at `key` (id or slug) in a frame: its `frameAncestors`.

    Nobody for an unknown, trashed or unpublished app. The setting applies as soon as it is saved
    (like the app's public access), not at the next publish.
    """
    settings = ctx.db.scalar(
        select(Application.settings).where(
            or_(Application.id == key, Application.slug == key),
            Application.deleted_at.is_(None),
            Application.published_at.is_not(None),
        )
    )
    if settings is None:
        return []
    return list(AppSettingsDoc.model_validate(settings).frame_ancestors)


def view_published(ctx: Context, key: str) -> dict[str, Any]:
    """The published document by application id or slug, for viewers and public visitors."""
    app = ctx.db.scalar(
        select(Application).where(or_(Application.id == key, Application.slug == key), Application.deleted_at.is_(None))
    )
    if app is None:
        raise ApplicationNotFound("Application not found.")
    role = workspace_role(ctx, app.workspace_id)
    if role is None and not app.is_public:
        if ctx.user is None:
            raise NotAuthenticated("Log in to open this application.")
        raise ApplicationNotFound("Application not found.")
    if app.published is None:
        raise NotPublished("This application has not been published yet.")
    return {
        "id": app.id,
        "slug": app.slug,
        "workspaceId": app.workspace_id,
        "publishedAt": app.published_at.isoformat() if app.published_at else None,
        "canEdit": bool(role and role.allows(Role.DEVELOPER)),
        "document": app.published,
    }




def rename_entity(
    ctx: Context, application_id: str, old: str, new: str, page_id: str | None = None
) -> list[Change]:
    """Rename a widget, action, JS object (`Table1`) or JS object member (`Utils.fmt`) of one page.

    Names are per page: `page_id` says whose `Table1` it is, and may be left out when only one
    page has the name (422 `ambiguous_name` otherwise)."""
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    changes = rename_in(ctx, app, old, new, page_id)
    ctx.notify_edit(app.id, "refactor")
    return changes


def rename_in(ctx: Context, app: Application, old: str, new: str, page_id: str | None = None) -> list[Change]:
    """`rename_entity` for a service that has loaded `app` with `require_app` (Developer) already."""
    before = handler.build_document(ctx, app, include_ids=True)
    if page_id is not None:
        page = handler.page_index(before, page_id)
    else:
        page = bindings.page_of(before, old.split(".", 1)[0], registry.get)
    after, changes = rename_in_document(before, old, new, page)
    handler.write_back(ctx, app, before, after)
    if changes:
        record(ctx, "application.refactored", "application", app.id, app.name, workspace_id=app.workspace_id,
               summary={"old": old, "new": new, "changed": len(changes), "page": before["pages"][page]["name"]})
    return changes

def lint_application(ctx: Context, application_id: str) -> list[dict[str, Any]]:
    """Diagnostics of the application's edit state."""
    app, _ = require_app(ctx, application_id, Role.DEVELOPER)
    return handler.lint_document(ctx, app)
