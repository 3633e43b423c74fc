"""The `lowcraft` command: serve, migrate, create-admin, check, export, import, import-appsmith, version, openapi,
backup, restore, migrate-store."""

from __future__ import annotations

import gc
import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lowcraft import __version__
from lowcraft.config import Settings, settings_help

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lowcraft.identity.models import User

SERVE_WEBSOCKETS = "lowcraft.http.websockets:LazyWebSocketProtocol"
"""uvicorn's WebSocket implementation for `serve`: the real-time endpoint (`/api/v1/ws`) needs one,
loaded with the first upgrade (`lowcraft.http.websockets`)."""

app = typer.Typer(help="Lowcraft: build internal tools on your own data.", no_args_is_help=True)


@app.command(help="Start the server (applies migrations first).\n\nConfiguration (environment):\n\n"
             + settings_help().replace("\n", "\n\n"))
def serve(
    host: str | None = typer.Option(None, help="Override LOWCRAFT_HOST."),
    port: int | None = typer.Option(None, help="Override LOWCRAFT_PORT."),
    workers: int = typer.Option(1, help="Server processes (use PostgreSQL and Redis for more than one)."),
) -> None:
    # Start-up only allocates what the server keeps (modules, routes, schemas): the collector's
    # passes over that growing heap cost about 0.1 s of every start and free next to nothing.
    # `settle_heap` (lowcraft.app) freezes the heap and switches the collector back on once the
    # app is built. Worker processes (--workers > 1) import the app afresh with the collector on.
    gc.disable()
    import uvicorn

    from lowcraft import logs

    settings = Settings()
    logs.configure(settings.log_format, settings.log_level)
    # create_app applies pending migrations before the first request is accepted.
    uvicorn.run(
        "lowcraft.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        log_config=None,
        access_log=False,
        # The real-time endpoint (docs/realtime.md) speaks WebSocket. Frames above
        # LOWCRAFT_REALTIME_MAX_FRAME_BYTES are refused by the endpoint with 4413; uvicorn's own cap
        # (1009) stays well above it so clients get the clear code.
        ws=SERVE_WEBSOCKETS,
        ws_max_size=max(16 * 1024 * 1024, 4 * settings.realtime_max_frame_bytes),
    )


@app.command(help="Apply pending migrations to the store.")
def migrate() -> None:
    from lowcraft.store.db import Database
    from lowcraft.store.migrate import head_revision, upgrade

    settings = Settings()
    settings.ensure_data_dir()
    db = Database(settings.resolved_database_url)
    applied = upgrade(db)
    typer.echo(f"store at revision {head_revision(db)}" + (" (migrated)" if applied else " (already current)"))


@app.command("create-admin", help="Create an instance administrator (or promote an existing user).")
def create_admin(
    email: str = typer.Option(..., prompt=True),
    name: str = typer.Option("", help="Display name."),
    password: str | None = typer.Option(None, help="Password; asked for when not given."),
) -> None:
    from sqlalchemy import select

    from lowcraft.accounts import service
    from lowcraft.context import Context
    from lowcraft.errors import LowcraftError
    from lowcraft.identity.models import User
    from lowcraft.runtime import Runtime
    from lowcraft.store.migrate import upgrade

    runtime = Runtime.build(Settings())
    upgrade(runtime.db)
    try:
        with runtime.db.session() as db:
            ctx = Context(runtime=runtime, db=db, client_address="cli")
            existing = db.scalar(select(User).where(User.email == email.strip().lower()))
            if existing is not None:
                existing.is_instance_admin = True
                typer.echo(f"{existing.email} is now an instance administrator.")
                return
            secret = password or getpass.getpass("Password: ")
            user = service.create_account(ctx, email, secret, name)
            user.is_instance_admin = True
            typer.echo(f"created instance administrator {user.email}")
    except LowcraftError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None


@app.command(help="Lint exported applications offline (JSON files, application folders in the repository "
             "layout, or folders holding either); exits 1 on errors.")
def check(
    paths: list[Path] = typer.Argument(..., help="Exported application JSON files, application folders or folders of them."),
    output_format: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    from lowcraft.appmodel.file_tree import files_to_document, read_folder
    from lowcraft.bindings.check import main as run_check

    raise typer.Exit(run_check(paths, output_format, read_tree=lambda folder: files_to_document(read_folder(folder))))


def _actor(db: Session, workspace_id: str, email: str | None) -> User:
    """The member a command acts as: `email`, or the workspace's first administrator."""
    from sqlalchemy import select

    from lowcraft.identity.models import User
    from lowcraft.workspaces.models import Membership

    query = select(User).join(Membership, Membership.user_id == User.id).where(Membership.workspace_id == workspace_id)
    if email is not None:
        query = query.where(User.email == email.strip().lower())
    else:
        query = query.where(Membership.role == "administrator").order_by(Membership.created_at)
    actor = db.scalars(query).first()
    if actor is None:
        typer.echo(f"error: {email or 'no administrator'} is not a member of the workspace", err=True)
        raise typer.Exit(2)
    return actor


_AS_HELP = ("Email of the Developer or Administrator the command acts as and is audited for "
            "(default: the workspace's first administrator).")


@app.command(help="Export an application: as one JSON document (--layout json, the default), or as a folder "
             "in the repository layout (--layout files; docs/app-format.md) for Git and review. Exits 2 when "
             "it cannot.")
def export(
    application: Annotated[str, typer.Argument(help="Application id or slug.")],
    out: Annotated[Path, typer.Argument(help="The JSON file (- for standard output) or, with --layout files, the folder.")],
    layout: Annotated[str, typer.Option(help="json or files")] = "json",
    user: Annotated[str | None, typer.Option("--as", help=_AS_HELP)] = None,
) -> None:
    import json

    from sqlalchemy import or_, select

    from lowcraft.appmodel.file_tree import document_to_files, write_folder
    from lowcraft.appmodel.models import Application
    from lowcraft.apps.service import export_application
    from lowcraft.context import Context
    from lowcraft.errors import LowcraftError
    from lowcraft.runtime import Runtime
    from lowcraft.store.migrate import upgrade

    if layout not in ("json", "files"):
        typer.echo("error: --layout is json or files", err=True)
        raise typer.Exit(2)
    runtime = Runtime.build(Settings())
    upgrade(runtime.db)
    try:
        with runtime.db.session() as db:
            found = db.scalars(select(Application).where(
                or_(Application.id == application, Application.slug == application), Application.deleted_at.is_(None)
            )).all()
            if len(found) != 1:
                typer.echo(f"error: no application '{application}'", err=True)
                raise typer.Exit(2)
            actor = _actor(db, found[0].workspace_id, user)
            ctx = Context(runtime=runtime, db=db, user=actor, client_address="cli", via="cli")
            document = export_application(ctx, found[0].id)
            if layout == "files":
                files = document_to_files(document)
                write_folder(out, files)
                typer.echo(f"exported '{found[0].name}' to {out} ({len(files)} files)")
            elif str(out) == "-":
                typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
            else:
                out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
                typer.echo(f"exported '{found[0].name}' to {out}")
    except LowcraftError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None


@app.command("import", help="Import an application into a workspace from a folder in the repository layout "
             "(docs/app-format.md) or an exported JSON document; exits 2, changing nothing, when it cannot.")
def import_(
    path: Annotated[Path, typer.Argument(help="The application folder or JSON file.")],
    workspace: Annotated[str, typer.Option("--workspace", help="Workspace id or name.")],
    user: Annotated[str | None, typer.Option("--as", help=_AS_HELP)] = None,
    name: Annotated[str | None, typer.Option(help="Name of the new application (default: the app's own).")] = None,
) -> None:
    import asyncio
    import json

    from sqlalchemy import or_, select

    from lowcraft.appmodel.document_format import parse_document
    from lowcraft.appmodel.file_tree import files_to_document, read_folder
    from lowcraft.apps.service import import_application
    from lowcraft.context import Context
    from lowcraft.errors import LowcraftError
    from lowcraft.jslibs.service import fetch_document_libraries
    from lowcraft.runtime import Runtime
    from lowcraft.store.migrate import upgrade
    from lowcraft.workspaces.models import Workspace

    try:
        if path.is_dir():
            document = files_to_document(read_folder(path))
        else:
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                typer.echo(f"error: {path}: cannot be read as a JSON document: {exc}", err=True)
                raise typer.Exit(2) from None
        libraries_wanted = parse_document(document).application.js_libraries
    except LowcraftError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    runtime = Runtime.build(Settings())
    upgrade(runtime.db)
    try:
        with runtime.db.session() as db:
            found = db.scalars(select(Workspace).where(or_(Workspace.id == workspace, Workspace.name == workspace))).all()
            if len(found) != 1:
                typer.echo(f"error: {'no' if not found else 'more than one'} workspace '{workspace}'", err=True)
                raise typer.Exit(2)
            actor = _actor(db, found[0].id, user)
            ctx = Context(runtime=runtime, db=db, user=actor, client_address="cli", via="cli")
            libraries = asyncio.run(fetch_document_libraries(ctx, found[0].id, libraries_wanted))
            result = import_application(ctx, found[0].id, document, name, libraries)
            app_id, app_name = result.view.app.id, result.view.app.name
    except LowcraftError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"imported '{app_name}' as application {app_id}")
    for outcome in result.libraries:
        if not outcome.installed:
            typer.echo(f"JS library '{outcome.name}' was not installed: {outcome.problem or 'it was not fetched'}")
    for bound in result.datasources:
        typer.echo(f"datasource '{bound.name}' ({bound.connector}): {bound.message}")


@app.command(
    "import-appsmith",
    help="Import an Appsmith app (a JSON export, a zip of its Git repository, or a clone's folder) into a "
    "workspace as a new application, and print the import report. Exits 2 when it cannot be imported.",
)
def import_appsmith(
    path: Annotated[Path, typer.Argument(help="The export file, zip or folder.")],
    workspace: Annotated[str, typer.Option("--workspace", help="Workspace id or name.")],
    user: Annotated[str | None, typer.Option(
        "--as", help="Email of the Developer or Administrator the import is recorded for "
        "(default: the workspace's first administrator)."
    )] = None,
    name: Annotated[str | None, typer.Option(help="Name of the new application (default: the app's own).")] = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    import asyncio
    import json

    from sqlalchemy import or_, select

    from lowcraft.apps.appsmith_import import import_appsmith as run_import
    from lowcraft.apps.appsmith_import import libraries_of
    from lowcraft.appsmith import read_appsmith
    from lowcraft.appsmith.report import format_report
    from lowcraft.context import Context
    from lowcraft.errors import LowcraftError
    from lowcraft.runtime import Runtime
    from lowcraft.store.migrate import upgrade
    from lowcraft.workspaces.models import Workspace

    runtime = Runtime.build(Settings())
    upgrade(runtime.db)
    try:
        source = read_appsmith(path)
        with runtime.db.session() as db:
            found = db.scalars(select(Workspace).where(or_(Workspace.id == workspace, Workspace.name == workspace))).all()
            if len(found) != 1:
                typer.echo(f"error: {'no' if not found else 'more than one'} workspace '{workspace}'", err=True)
                raise typer.Exit(2)
            actor = _actor(db, found[0].id, user)
            ctx = Context(runtime=runtime, db=db, user=actor, client_address="cli", via="cli")
            from lowcraft.jslibs.service import fetch_document_libraries

            # As the API does: the app's JS libraries come from their URLs where the instance allows.
            libraries = asyncio.run(fetch_document_libraries(ctx, found[0].id, libraries_of(source)))
            result = run_import(ctx, found[0].id, source, name, libraries)
            app_id, app_name = result.view.app.id, result.view.app.name
    except LowcraftError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    if output_format == "json":
        typer.echo(json.dumps({"applicationId": app_id, "report": result.report.to_dict()}, indent=2))
    else:
        typer.echo(f"imported '{app_name}' as application {app_id} in {result.seconds:.2f} s")
        typer.echo(format_report(result.report))


@app.command(help="Print the version.")
def version() -> None:
    typer.echo(f"lowcraft {__version__}")


@app.command(help="Write the API's OpenAPI document (web/src/api/openapi.json is made this way); no server needed.")
def openapi(
    out: Path | None = typer.Option(None, "--out", help="File to write (default: print it)."),
) -> None:
    import json

    from lowcraft.app import openapi_document

    text = json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


_PASSPHRASE_FILE_HELP = "File holding the passphrase (default: $LOWCRAFT_BACKUP_PASSPHRASE, else asked for)."


@app.command(help="Write an encrypted archive of the instance: its store, instance key and data files.")
def backup(
    output: Path | None = typer.Option(None, help="Archive path (default: <data dir>/backups/lowcraft-<time>.lcbackup)."),
    passphrase_file: Path | None = typer.Option(None, help=_PASSPHRASE_FILE_HELP),
) -> None:
    from lowcraft.ops import OpsError
    from lowcraft.ops import backup as run_backup
    from lowcraft.ops.terminal import ProgressBar, read_passphrase

    try:
        passphrase = read_passphrase(passphrase_file, confirm=True)
        with ProgressBar() as bar:
            result = run_backup(Settings(), passphrase, output, progress=bar)
    except OpsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    rows = sum(result.rows.values())
    typer.echo(f"backup written to {result.path} ({result.size / 1e6:.1f} MB, {rows} rows, "
               f"{result.files} files, {result.seconds:.1f} s)")


@app.command(help="Restore an archive into this (empty) instance; everything is verified before anything is written.")
def restore(
    archive: Path = typer.Argument(..., exists=True, dir_okay=False, help="An archive made by `lowcraft backup`."),
    passphrase_file: Path | None = typer.Option(None, help=_PASSPHRASE_FILE_HELP),
    force: bool = typer.Option(False, "--force", help="Replace the data of a non-empty instance."),
) -> None:
    from lowcraft.ops import OpsError
    from lowcraft.ops import restore as run_restore
    from lowcraft.ops.terminal import ProgressBar, read_passphrase

    try:
        passphrase = read_passphrase(passphrase_file, confirm=False)
        with ProgressBar() as bar:
            result = run_restore(Settings(), archive, passphrase, force=force, progress=bar)
    except OpsError as exc:
        typer.echo(f"error: {exc} Nothing was changed.", err=True)
        raise typer.Exit(2) from None
    rows = sum(result.rows.values())
    typer.echo(f"restored {rows} rows and {result.files} files in {result.seconds:.1f} s; store at revision "
               f"{result.revision} (archive: {result.archive_revision})"
               + (f"; {result.resealed} secrets re-encrypted under this instance's key" if result.resealed else ""))


@app.command("migrate-store", help="Copy this instance's store (e.g. the embedded SQLite) into an empty PostgreSQL database.")
def migrate_store(
    to: str = typer.Option(..., "--to", help="SQLAlchemy URL of the empty target, e.g. postgresql://user@host/db."),
    force: bool = typer.Option(False, "--force", help="Replace the data of a non-empty target."),
) -> None:
    from lowcraft.ops import OpsError
    from lowcraft.ops import migrate_store as run_migrate_store
    from lowcraft.ops.terminal import ProgressBar

    try:
        with ProgressBar() as bar:
            result = run_migrate_store(Settings(), to, force=force, progress=bar)
    except OpsError as exc:
        typer.echo(f"error: {exc} Nothing was changed.", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"copied {sum(result.rows.values())} rows in {result.seconds:.1f} s. "
               f"Now set LOWCRAFT_DATABASE_URL={to} and restart Lowcraft (keep the data directory: "
               "it holds the instance key and files).")


if __name__ == "__main__":
    app()
