"""The `lowcraft` command: serve, migrate, create-admin, check, version."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer

from lowcraft import __version__
from lowcraft.config import Settings, settings_help

app = typer.Typer(help="Lowcraft: build internal tools on your own data.", no_args_is_help=True)


@app.command(help="Start the server (applies migrations first).\n\nConfiguration (environment):\n\n"
             + settings_help().replace("\n", "\n\n"))
def serve(
    host: str | None = typer.Option(None, help="Override LOWCRAFT_HOST."),
    port: int | None = typer.Option(None, help="Override LOWCRAFT_PORT."),
    workers: int = typer.Option(1, help="Server processes (use PostgreSQL and Redis for more than one)."),
) -> None:
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
    from lowcraft.accounts.models import User
    from lowcraft.context import Context
    from lowcraft.errors import LowcraftError
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
            user = service.signup(ctx, email, secret, name)
            user.is_instance_admin = True
            typer.echo(f"created instance administrator {user.email}")
    except LowcraftError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None


@app.command(help="Lint exported applications offline (files or folders of *.json); exits 1 on errors.")
def check(
    paths: list[Path] = typer.Argument(..., help="Exported application JSON files or folders."),
    output_format: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    from lowcraft.bindings.check import main as run_check

    raise typer.Exit(run_check(paths, output_format))


@app.command(help="Print the version.")
def version() -> None:
    typer.echo(f"lowcraft {__version__}")


if __name__ == "__main__":
    app()
